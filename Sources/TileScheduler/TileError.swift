/// A failed or quarantined tile and why, for the run's records (failed.json).
package struct TileError: Sendable, Hashable {
    package var tile: TileRef
    package var state: TileState
    package var attempts: UInt32
    package var error: String
}
