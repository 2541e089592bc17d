/// The tokens a head accepts: its current one, and after `grow-head token rotate` the previous
/// one until a grace period has passed since the rotation, so workers can pick up the new token
/// file without a moment of downtime.
public struct AcceptedTokens: Sendable, Equatable {
    public var current: ClusterToken
    /// The token `rotate` replaced, and when (Unix ms).
    public var previous: ClusterToken?
    public var rotatedAtUnixMs: UInt64

    public init(current: ClusterToken, previous: ClusterToken? = nil, rotatedAtUnixMs: UInt64 = 0) {
        self.current = current
        self.previous = previous
        self.rotatedAtUnixMs = rotatedAtUnixMs
    }

    /// The tokens a handshake may prove at `nowUnixMs`, the current one first.
    public func accepted(atUnixMs nowUnixMs: UInt64, graceMs: UInt64) -> [ClusterToken] {
        guard let previous, previous != current, nowUnixMs < previousAcceptedUntil(graceMs: graceMs) else {
            return [current]
        }
        return [current, previous]
    }

    /// Until when (Unix ms) the previous token is accepted (0: there is none).
    public func previousAcceptedUntil(graceMs: UInt64) -> UInt64 {
        previous == nil ? 0 : rotatedAtUnixMs &+ graceMs
    }
}
