import GrowJob

/// Runs one attempt of one tile of a job. The worker holds one and calls it from every slot, so
/// it is thread-safe; tests give the worker a stand-in.
package protocol TileRunner: Sendable {
    /// Runs the tile to its end, a timeout (`spec.tileTimeoutSeconds`) or a cancellation (by
    /// `cancellation` or by cancelling the calling task). Never throws: every problem is a
    /// `.failed` outcome saying whether another attempt could help.
    func run(_ spec: JobSpec, _ tile: TileContext, cancellation: TileCancellation) async -> TileOutcome
}
