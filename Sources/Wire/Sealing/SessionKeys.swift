import Crypto

/// One side's two session keys: the key it seals its frames with and the key it opens the
/// peer's with. Never printed: `description` is redacted.
public struct SessionKeys: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable
{
    // Bytes, not SymmetricKey, which swift-crypto does not mark Sendable.
    private let sealingBytes: [UInt8]
    private let openingBytes: [UInt8]

    public var sealing: SymmetricKey { SymmetricKey(data: sealingBytes) }
    public var opening: SymmetricKey { SymmetricKey(data: openingBytes) }

    public init(sealing: SymmetricKey, opening: SymmetricKey) {
        sealingBytes = sealing.withUnsafeBytes { Array($0) }
        openingBytes = opening.withUnsafeBytes { Array($0) }
    }

    /// The head's keys: it seals head-to-peer and opens peer-to-head.
    static func head(token: ClusterToken, transcript: [UInt8]) -> SessionKeys {
        let keys = KeySchedule.derive(token: token, transcript: transcript)
        return SessionKeys(sealing: keys.headToPeer, opening: keys.peerToHead)
    }

    /// A worker's or client's keys: the mirror image of the head's.
    static func peer(token: ClusterToken, transcript: [UInt8]) -> SessionKeys {
        let keys = KeySchedule.derive(token: token, transcript: transcript)
        return SessionKeys(sealing: keys.peerToHead, opening: keys.headToPeer)
    }

    public var description: String { "SessionKeys(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
