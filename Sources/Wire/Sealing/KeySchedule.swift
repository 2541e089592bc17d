import Crypto

/// The session keys of a connection, one per direction, derived with HKDF-SHA256 from the cluster
/// token and the handshake's transcript (both nonces, both names, the offered and the chosen
/// versions). Fresh nonces make fresh keys for every connection, and the token itself never keys
/// a cipher: it is only HKDF's input keying material (and the HMAC key of the proofs).
///
///     key = HKDF-SHA256(IKM = token, salt = "grow-v2 session keys", info = label ‖ T, L = 32)
///     label: "grow-v2 peer to head\0" or "grow-v2 head to peer\0"
enum KeySchedule {
    static let salt = Array("grow-v2 session keys".utf8)
    static let peerToHeadLabel = Array("grow-v2 peer to head\0".utf8)
    static let headToPeerLabel = Array("grow-v2 head to peer\0".utf8)

    static func derive(token: ClusterToken, transcript: [UInt8]) -> (peerToHead: SymmetricKey, headToPeer: SymmetricKey)
    {
        (
            key(token: token, label: peerToHeadLabel, transcript: transcript),
            key(token: token, label: headToPeerLabel, transcript: transcript)
        )
    }

    private static func key(token: ClusterToken, label: [UInt8], transcript: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: token.key, salt: salt, info: label + transcript, outputByteCount: AESGCMKey.keySize)
    }
}
