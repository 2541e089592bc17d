/// One tile inside an `assign` directive. The attempt number travels with the tile so that
/// results can be matched to the run that produced them.
public struct TileAssignment: Hashable, Sendable {
    public var index: UInt32
    public var attempt: UInt32

    public init(index: UInt32, attempt: UInt32) {
        self.index = index
        self.attempt = attempt
    }
}
