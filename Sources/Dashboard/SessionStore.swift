/// Login sessions of a dashboard bound to a non-loopback address: the cluster token, typed into
/// the login form once, buys a random session id (the cookie) that expires; the token itself never
/// leaves the form's POST body. Pure: the caller supplies the id's randomness and the time.
package struct SessionStore: Sendable {
    package let lifetimeMs: UInt64
    package let maxSessions: Int
    private var expiry: [String: UInt64] = [:]

    package init(lifetimeMs: UInt64 = 12 * 3600 * 1000, maxSessions: Int = 1000) {
        self.lifetimeMs = lifetimeMs
        self.maxSessions = max(1, maxSessions)
    }

    /// Compares in time independent of where the strings differ.
    package static func matches(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in 0..<max(given.count, expected.count) {
            let a = index < given.count ? given[index] : 0
            let b = index < expected.count ? expected[index] : 0
            difference |= a ^ b
        }
        return difference == 0
    }

    /// A login with `given` against the cluster token: the new session's id (`newID`), or nil.
    package mutating func login(given: [UInt8], token: [UInt8], newID: String, nowMs: UInt64) -> String? {
        guard !token.isEmpty, Self.matches(given, token) else { return nil }
        expire(nowMs: nowMs)
        if expiry.count >= maxSessions, let oldest = expiry.min(by: { $0.value < $1.value })?.key {
            expiry[oldest] = nil
        }
        expiry[newID] = nowMs + lifetimeMs
        return newID
    }

    package func isValid(_ id: String?, nowMs: UInt64) -> Bool {
        guard let id, let until = expiry[id] else { return false }
        return nowMs < until
    }

    package mutating func logout(_ id: String) { expiry[id] = nil }

    private mutating func expire(nowMs: UInt64) {
        expiry = expiry.filter { $0.value > nowMs }
    }

    package var count: Int { expiry.count }
}
