/// An IMDSv2 session token (a credential of sorts: never logged) and when it stops being valid. Pure, so the refresh rule is tested
/// without a clock.
package struct InstanceMetadataToken: Sendable, Equatable {
    package var value: String
    /// Monotonic milliseconds at which the service stops accepting it.
    package var expiresAtMs: UInt64

    package init(value: String, obtainedAtMs: UInt64, ttlSeconds: Int) {
        self.value = value
        expiresAtMs = obtainedAtMs + UInt64(max(0, ttlSeconds)) * 1000
    }

    /// A token is renewed before it runs out: with a tenth of its life (at most a minute) left, so
    /// a request never carries one that expires on its way.
    package func needsRefresh(nowMs: UInt64, ttlSeconds: Int) -> Bool {
        let margin = min(UInt64(max(0, ttlSeconds)) * 100, 60_000)
        return nowMs + margin >= expiresAtMs
    }
}
