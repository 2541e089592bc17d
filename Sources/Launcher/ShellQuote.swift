import Foundation

/// POSIX shell quoting with the same rules as Python's `shlex.quote` (which Ray uses), so the
/// command lines grow sends match Ray's byte for byte.
package enum ShellQuote {
    static let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-")

    package static func quote(_ text: String) -> String {
        if text.isEmpty { return "''" }
        if text.allSatisfy({ safe.contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }

    package static func join(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }
}
