import Crypto

/// The two proofs of the handshake. Each is HMAC-SHA256 under the cluster token over a label
/// (so a client's proof can never stand in for the head's, or the reverse) and the transcript:
/// the Hello and Challenge payloads as sent. Binding the transcript means both nonces and the
/// negotiated version are covered, so neither a replay nor a downgrade passes.
enum HandshakeMAC {
    static let nonceLength = 32
    static let clientLabel = Array("grow-v1 client proof\0".utf8)
    static let serverLabel = Array("grow-v1 server proof\0".utf8)

    static func transcript(hello: Hello, challenge: Challenge) -> [UInt8] {
        var writer = WireWriter(capacity: 128)
        writer.writeRecord { hello.encode(to: &$0) }
        writer.writeRecord { challenge.encode(to: &$0) }
        return writer.bytes
    }

    static func mac(label: [UInt8], transcript: [UInt8], token: ClusterToken) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: token.key)
        hmac.update(data: label)
        hmac.update(data: transcript)
        return Array(hmac.finalize())
    }

    /// Constant-time check of a proof received from the peer.
    static func verify(_ received: [UInt8], label: [UInt8], transcript: [UInt8], token: ClusterToken) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(received, authenticating: label + transcript, using: token.key)
    }

    static func freshNonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<nonceLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
