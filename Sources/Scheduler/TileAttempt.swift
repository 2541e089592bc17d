/// A tile and the attempt a worker is executing: used by `tilesStarted` and by the `running`
/// list of a (re)joining worker.
public struct TileAttempt: Hashable, Sendable {
    public var tile: TileRef
    public var attempt: UInt32

    public init(_ tile: TileRef, attempt: UInt32) {
        self.tile = tile
        self.attempt = attempt
    }
}
