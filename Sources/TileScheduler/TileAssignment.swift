/// One tile inside an `assign` directive. The attempt number travels with the tile so that
/// results can be matched to the run that produced them.
package struct TileAssignment: Hashable, Sendable {
    package var index: UInt32
    package var attempt: UInt32

    package init(index: UInt32, attempt: UInt32) {
        self.index = index
        self.attempt = attempt
    }
}
