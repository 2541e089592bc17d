import Foundation

/// The times AWS writes (ISO 8601 in UTC: credentials' `Expiration`, instances' `launchTime`).
package enum AWSTime {
    /// `2026-11-30T12:00:00Z` (fractions of a second and offsets allowed) in Unix milliseconds.
    package static func unixMilliseconds(iso8601 text: String) -> UInt64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var date = formatter.date(from: text.trimmingSpaces)
        if date == nil {
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            date = formatter.date(from: text.trimmingSpaces)
        }
        guard let date, date.timeIntervalSince1970 >= 0 else { return nil }
        return UInt64(date.timeIntervalSince1970 * 1000)
    }
}
