/// A failed run reported by a worker.
package struct TileFailure: Hashable, Sendable {
    package var tile: TileRef
    package var attempt: UInt32
    package var error: String
    /// False for errors that another run cannot fix (bad input, bad config): the tile fails at once.
    package var retryable: Bool

    package init(_ tile: TileRef, attempt: UInt32, error: String, retryable: Bool) {
        self.tile = tile
        self.attempt = attempt
        self.error = error
        self.retryable = retryable
    }
}
