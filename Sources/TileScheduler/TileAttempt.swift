/// A tile and the attempt a worker is executing: used by `tilesStarted` and by the `running`
/// list of a (re)joining worker.
package struct TileAttempt: Hashable, Sendable {
    package var tile: TileRef
    package var attempt: UInt32

    package init(_ tile: TileRef, attempt: UInt32) {
        self.tile = tile
        self.attempt = attempt
    }
}
