/// A failed or quarantined tile and why, for the run's records (failed.json).
public struct TileError: Sendable, Hashable {
    public var tile: TileRef
    public var state: TileState
    public var attempts: UInt32
    public var error: String
}
