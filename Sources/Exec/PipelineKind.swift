/// What a job's tiles run. The EO pipelines (import, features, mosaicking, ...) join these later.
public enum PipelineKind: String, Sendable, CaseIterable, Codable {
    /// Any program, run once per tile with the tile's name and paths in its arguments.
    case command
    /// Does nothing: for measuring the scheduler and the protocol.
    case noop
    /// Sleeps a duration drawn per tile from a distribution: for load tests and benchmarks.
    case sleep
}
