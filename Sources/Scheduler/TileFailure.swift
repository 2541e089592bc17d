/// A failed run reported by a worker.
public struct TileFailure: Hashable, Sendable {
    public var tile: TileRef
    public var attempt: UInt32
    public var error: String
    /// False for errors that another run cannot fix (bad input, bad config): the tile fails at once.
    public var retryable: Bool

    public init(_ tile: TileRef, attempt: UInt32, error: String, retryable: Bool) {
        self.tile = tile
        self.attempt = attempt
        self.error = error
        self.retryable = retryable
    }
}
