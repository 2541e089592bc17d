/// A successful result reported by a worker.
public struct TileCompletion: Hashable, Sendable {
    public var tile: TileRef
    public var attempt: UInt32
    /// How long the tile ran on the worker; feeds the backup-copy threshold.
    public var durationMs: UInt64

    public init(_ tile: TileRef, attempt: UInt32, durationMs: UInt64) {
        self.tile = tile
        self.attempt = attempt
        self.durationMs = durationMs
    }
}
