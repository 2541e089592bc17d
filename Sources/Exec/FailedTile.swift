/// A tile that did not finish: in `failed.json` by name (eo-grow's list of names), and in full in
/// the `failed_tiles` of `pipeline-report.json`.
public struct FailedTile: Codable, Sendable, Equatable {
    public var name: String
    public var index: UInt32
    /// Attempts made (including the last, failed one).
    public var attempts: Int
    /// The last attempt's error text.
    public var error: String
    /// Taken out as poison (it took down workers) rather than failing by itself.
    public var quarantined: Bool

    public init(name: String, index: UInt32, attempts: Int, error: String, quarantined: Bool) {
        self.name = name
        self.index = index
        self.attempts = attempts
        self.error = error
        self.quarantined = quarantined
    }
}
