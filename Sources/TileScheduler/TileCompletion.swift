/// A successful result reported by a worker.
package struct TileCompletion: Hashable, Sendable {
    package var tile: TileRef
    package var attempt: UInt32
    /// How long the tile ran on the worker; feeds the backup-copy threshold.
    package var durationMs: UInt64

    package init(_ tile: TileRef, attempt: UInt32, durationMs: UInt64) {
        self.tile = tile
        self.attempt = attempt
        self.durationMs = durationMs
    }
}
