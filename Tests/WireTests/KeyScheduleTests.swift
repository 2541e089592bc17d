import Crypto
import XCTest

@testable import Wire

/// The session keys: both sides get the same two, every connection gets new ones, and the
/// derivation is HKDF-SHA256 as RFC 5869 defines it (recomputed here from HMAC alone).
final class KeyScheduleTests: XCTestCase {
    let token = try! ClusterToken(secret: "correct horse battery staple")

    private func handshake(clientNonce: [UInt8]? = nil, headNonce: [UInt8]? = nil, token: ClusterToken? = nil)
        throws -> (peer: SessionKeys, head: SessionKeys)
    {
        var client = ClientHandshake(
            token: token ?? self.token, role: .worker, name: "w1", nonce: clientNonce)
        var head = ServerHandshake(
            tokens: [self.token], headName: "head", sessionID: 1, heartbeatIntervalMs: 1000, nonce: headNonce)
        guard case .send(let challenge) = head.receive(.hello(client.hello)),
            case .send(let proof) = client.receive(challenge),
            case .complete(let welcome, _, let headKeys) = head.receive(proof),
            case .complete(_, let peerKeys) = client.receive(welcome)
        else { throw WireError.authenticationFailed("handshake did not complete") }
        return (peerKeys, headKeys)
    }

    func testBothSidesHoldTheSameTwoKeys() throws {
        let (peer, head) = try handshake()
        XCTAssertEqual(bytes(peer.sealing), bytes(head.opening))
        XCTAssertEqual(bytes(peer.opening), bytes(head.sealing))
        XCTAssertNotEqual(bytes(peer.sealing), bytes(peer.opening), "each direction has its own key")
    }

    func testEveryNonceMakesNewKeys() throws {
        let fixed = [UInt8](repeating: 1, count: 32)
        let first = try handshake(clientNonce: fixed, headNonce: fixed.map { $0 + 1 })
        let again = try handshake(clientNonce: fixed, headNonce: fixed.map { $0 + 1 })
        XCTAssertEqual(bytes(first.peer.sealing), bytes(again.peer.sealing), "same transcript, same keys")
        let newPeerNonce = try handshake(clientNonce: fixed.map { $0 + 2 }, headNonce: fixed.map { $0 + 1 })
        let newHeadNonce = try handshake(clientNonce: fixed, headNonce: fixed.map { $0 + 3 })
        XCTAssertNotEqual(bytes(first.peer.sealing), bytes(newPeerNonce.peer.sealing))
        XCTAssertNotEqual(bytes(first.peer.sealing), bytes(newHeadNonce.peer.sealing))
    }

    func testTheKeysAreHKDFOfTheTokenAndTheTranscript() throws {
        let transcript: [UInt8] = Array("any transcript bytes".utf8)
        let keys = KeySchedule.derive(token: token, transcript: transcript)
        // RFC 5869: PRK = HMAC(salt, IKM); OKM (32 bytes, one block) = HMAC(PRK, info ‖ 0x01).
        let salt = SymmetricKey(data: Array("grow-v2 session keys".utf8))
        let prk = SymmetricKey(
            data: Array(HMAC<SHA256>.authenticationCode(for: Array("correct horse battery staple".utf8), using: salt)))
        for (label, key) in [("grow-v2 peer to head\0", keys.peerToHead), ("grow-v2 head to peer\0", keys.headToPeer)] {
            let okm = HMAC<SHA256>.authenticationCode(for: Array(label.utf8) + transcript + [1], using: prk)
            XCTAssertEqual(bytes(key), Array(okm), label)
        }
        XCTAssertNotEqual(bytes(keys.peerToHead), Array("correct horse battery staple".utf8).prefix(32).map { $0 })
    }

    func testKeysAreNeverPrinted() throws {
        let (peer, _) = try handshake()
        XCTAssertEqual("\(peer)", "SessionKeys(<redacted>)")
        XCTAssertEqual(String(reflecting: peer), "SessionKeys(<redacted>)")
    }

    private func bytes(_ key: SymmetricKey) -> [UInt8] { key.withUnsafeBytes { Array($0) } }
}
