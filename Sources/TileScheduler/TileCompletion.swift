/// A successful result reported by a worker, with what the job's records keep of it.
package struct TileCompletion: Hashable, Sendable {
    package var tile: TileRef
    package var attempt: UInt32
    /// How long the tile ran on the worker; feeds the backup-copy threshold and the report.
    package var durationMicros: UInt64

    package init(_ tile: TileRef, attempt: UInt32, durationMicros: UInt64) {
        self.tile = tile
        self.attempt = attempt
        self.durationMicros = durationMicros
    }
}
