import Crypto
import Foundation
import GrowTestSupport
import NIOCore
import XCTest

@testable import Wire

/// The worked example of docs/protocol.md ("A worked example of the sealing"), read from the
/// document and recomputed here: the transcript, the proof, both session keys and two sealed
/// frames, byte for byte. A change to the key schedule or the frame layout fails here until the
/// document says the same.
final class ProtocolExampleTests: XCTestCase {
    /// The labelled hex values between the example's markers.
    private func documentedExample() throws -> [String: [UInt8]] {
        let text = try String(
            contentsOf: PackagePaths.root.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        guard let begin = text.range(of: "<!-- sealed-example:begin -->"),
            let end = text.range(of: "<!-- sealed-example:end -->")
        else { throw HarnessError("docs/protocol.md has no sealed example") }
        var values: [String: [UInt8]] = [:]
        var label = ""
        for line in text[begin.upperBound..<end.lowerBound].split(separator: "\n") where !line.hasPrefix("```") {
            // A label starts at the first column and ends two spaces before the first hex byte.
            var hex = Substring(line)
            if !line.hasPrefix(" "), let gap = line.range(of: "  ") {
                label = String(line[..<gap.lowerBound]).trimmingCharacters(in: .whitespaces)
                hex = line[gap.upperBound...]
            }
            for byte in hex.split(separator: " ") {
                guard let value = UInt8(byte, radix: 16) else { throw HarnessError("not hex: \(byte) in \(line)") }
                values[label, default: []].append(value)
            }
        }
        return values
    }

    func testTheWorkedExampleIsWhatTheCodeComputes() throws {
        let documented = try documentedExample()
        let token = try ClusterToken(secret: "grow-example-cluster-token-0123456789")
        let client = ClientHandshake(
            token: token, role: .worker, name: "w1", nonce: [UInt8](repeating: 1, count: 32))
        let challenge = Challenge(version: 2, nonce: [UInt8](repeating: 2, count: 32), headName: "head")
        let transcript = HandshakeMAC.transcript(hello: client.hello, challenge: challenge)
        XCTAssertEqual(documented["T (80 bytes)"], transcript)
        XCTAssertEqual(
            documented["Proof mac"],
            HandshakeMAC.mac(label: HandshakeMAC.clientLabel, transcript: transcript, token: token))
        let keys = KeySchedule.derive(token: token, transcript: transcript)
        XCTAssertEqual(documented["peer→head key"], keys.peerToHead.withUnsafeBytes { Array($0) })
        XCTAssertEqual(documented["head→peer key"], keys.headToPeer.withUnsafeBytes { Array($0) })

        var sealer = FrameSealer(key: keys.peerToHead)
        for number in 0..<2 {
            var frame = ByteBufferAllocator().buffer(capacity: 64)
            try Message.requestTiles(RequestTiles(count: 4)).encodeFrame(into: &frame, sealer: &sealer)
            XCTAssertEqual(documented["frame \(number)"], Array(frame.readableBytesView), "frame \(number)")
        }
        XCTAssertEqual(documented.count, 6, "\(documented.keys.sorted())")
    }

    func testTheExampleHandshakeMakesTheDocumentedKeys() throws {
        // The same keys through the handshake machines themselves, on both sides.
        let documented = try documentedExample()
        let token = try ClusterToken(secret: "grow-example-cluster-token-0123456789")
        var client = ClientHandshake(
            token: token, role: .worker, name: "w1", nonce: [UInt8](repeating: 1, count: 32))
        var head = ServerHandshake(
            token: token, headName: "head", sessionID: 9, heartbeatIntervalMs: 1000,
            nonce: [UInt8](repeating: 2, count: 32))
        guard case .send(let challenge) = head.receive(.hello(client.hello)),
            case .send(.proof(let proof)) = client.receive(challenge),
            case .complete(let welcome, _, let headKeys) = head.receive(.proof(proof)),
            case .complete(_, let peerKeys) = client.receive(welcome)
        else { return XCTFail("the example handshake did not complete") }
        XCTAssertEqual(proof.mac, documented["Proof mac"])
        XCTAssertEqual(peerKeys.sealing.withUnsafeBytes { Array($0) }, documented["peer→head key"])
        XCTAssertEqual(headKeys.sealing.withUnsafeBytes { Array($0) }, documented["head→peer key"])
    }
}
