/// The kinds of job a worker can run. The EO pipelines join these in their own issue.
public enum JobKind: String, Sendable, CaseIterable, Codable {
    case command
    case noop
    case sleep
}
