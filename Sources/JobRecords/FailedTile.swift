/// A tile that did not finish: in `failed.json` by name (eo-grow's list of names), and in full in
/// the `failed_tiles` of `pipeline-report.json`.
package struct FailedTile: Codable, Sendable, Equatable {
    package var name: String
    package var index: UInt32
    /// Attempts made (including the last, failed one).
    package var attempts: Int
    /// The last attempt's error text.
    package var error: String
    /// Taken out as poison (it took down workers) rather than failing by itself.
    package var quarantined: Bool

    package init(name: String, index: UInt32, attempts: Int, error: String, quarantined: Bool) {
        self.name = name
        self.index = index
        self.attempts = attempts
        self.error = error
        self.quarantined = quarantined
    }
}
