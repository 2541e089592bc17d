/// The message-protocol versions this build speaks (the frame header has its own version).
/// Version 2 seals every frame after the handshake; a version-1 peer, which would send and
/// expect frames in clear, is refused with `noCommonVersion` rather than served in clear.
public enum ProtocolVersion {
    public static let supported: ClosedRange<UInt16> = 2...2

    /// The highest version both sides speak, or nil.
    static func negotiate(ours: ClosedRange<UInt16>, theirs: ClosedRange<UInt16>) -> UInt16? {
        let high = min(ours.upperBound, theirs.upperBound)
        return high >= max(ours.lowerBound, theirs.lowerBound) ? high : nil
    }
}

/// What each side knows about the other once the handshake has succeeded.
public struct PeerSession: Sendable, Equatable {
    public var role: PeerRole
    public var name: String
    public var version: UInt16
    public var sessionID: UInt64
    public var heartbeatIntervalMs: UInt32
    /// The cluster token the handshake was proven with: on a head that accepts a rotated token's
    /// predecessor for a while, which of the two (so it can close the connection when that ends).
    public var token: ClusterToken?

    public init(
        role: PeerRole, name: String, version: UInt16, sessionID: UInt64, heartbeatIntervalMs: UInt32,
        token: ClusterToken? = nil
    ) {
        self.role = role
        self.name = name
        self.version = version
        self.sessionID = sessionID
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.token = token
    }
}
