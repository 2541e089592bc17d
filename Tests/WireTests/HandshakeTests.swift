import XCTest

@testable import Wire

final class HandshakeTests: XCTestCase {
    let token = try! ClusterToken(secret: "correct horse battery staple")
    let wrongToken = try! ClusterToken(secret: "incorrect horse battery staple")

    private func server(_ token: ClusterToken, nonce: [UInt8]? = nil) -> ServerHandshake {
        ServerHandshake(token: token, headName: "head", sessionID: 7, heartbeatIntervalMs: 1000, nonce: nonce)
    }

    /// Runs both machines against each other; returns what each side ended with.
    private func run(client: inout ClientHandshake, server: inout ServerHandshake) -> (
        ClientHandshake.Action, ServerHandshake.Action
    ) {
        let challenge = server.receive(.hello(client.hello))
        guard case .send(let challengeMessage) = challenge else {
            return (.fail(.authenticationFailed("no challenge")), challenge)
        }
        let proof = client.receive(challengeMessage)
        guard case .send(let proofMessage) = proof else { return (proof, challenge) }
        let serverResult = server.receive(proofMessage)
        switch serverResult {
        case .complete(let welcome, _, _): return (client.receive(welcome), serverResult)
        case .reject(let refusal?, _): return (client.receive(refusal), serverResult)
        default: return (.fail(.authenticationFailed("server neither completed nor refused")), serverResult)
        }
    }

    func testRightTokenAuthenticatesBothSides() {
        var client = ClientHandshake(token: token, role: .worker, name: "w1")
        var head = server(token)
        let (clientEnd, serverEnd) = run(client: &client, server: &head)
        guard case .complete(let session, _) = clientEnd else { return XCTFail("client: \(clientEnd)") }
        XCTAssertEqual(
            session,
            PeerSession(role: .worker, name: "head", version: 2, sessionID: 7, heartbeatIntervalMs: 1000, token: token))
        guard case .complete(_, let peer, _) = serverEnd else { return XCTFail("server: \(serverEnd)") }
        XCTAssertEqual(peer.name, "w1")
        XCTAssertEqual(peer.role, .worker)
        XCTAssertEqual(peer.token, token)
    }

    func testWrongTokenIsRefusedByTheHead() {
        var client = ClientHandshake(token: wrongToken, role: .worker, name: "w1")
        var head = server(token)
        let (clientEnd, serverEnd) = run(client: &client, server: &head)
        guard case .reject(_, .authenticationFailed) = serverEnd else { return XCTFail("server: \(serverEnd)") }
        XCTAssertEqual(clientEnd, .fail(.refusedByPeer(.authenticationFailed, "authentication failed")))
    }

    func testRogueHeadIsNotTrusted() {
        // The head lacks the token but answers anyway: the client must notice in Welcome.
        var client = ClientHandshake(token: token, role: .worker, name: "w1")
        var rogue = ServerHandshake(token: wrongToken, headName: "rogue", sessionID: 1, heartbeatIntervalMs: 1000)
        guard case .send(let challenge) = rogue.receive(.hello(client.hello)) else { return XCTFail() }
        guard case .send(.proof) = client.receive(challenge) else { return XCTFail() }
        let forged = Message.welcome(
            Welcome(mac: [UInt8](repeating: 0, count: 32), sessionID: 1, heartbeatIntervalMs: 1000))
        guard case .fail(.authenticationFailed) = client.receive(forged) else { return XCTFail() }
    }

    func testReplayedProofFailsAgainstAFreshChallenge() {
        // Session 1 succeeds; its Proof is recorded.
        var client = ClientHandshake(token: token, role: .worker, name: "w1")
        var first = server(token)
        guard case .send(let challenge) = first.receive(.hello(client.hello)),
            case .send(let recordedProof) = client.receive(challenge)
        else { return XCTFail() }
        guard case .complete = first.receive(recordedProof) else { return XCTFail() }
        // An eavesdropper replays Hello and Proof on a new connection: the head's nonce differs.
        var second = server(token)
        guard case .send = second.receive(.hello(client.hello)) else { return XCTFail() }
        guard case .reject(_, .authenticationFailed) = second.receive(recordedProof) else { return XCTFail() }
    }

    func testMessagesBeforeTheHandshakeAreRejected() {
        var head = server(token)
        let action = head.receive(.submitJob(SubmitJob(name: "x", spec: "{}")))
        guard case .reject(_, .unexpectedMessage(expected: "Hello", got: "submitJob")) = action else {
            return XCTFail("\(action)")
        }
        // And after a Hello, anything but a Proof.
        var again = server(token)
        let client = ClientHandshake(token: token, role: .client, name: "c")
        _ = again.receive(.hello(client.hello))
        guard
            case .reject(_, .unexpectedMessage(expected: "Proof", got: "listWorkers")) = again.receive(
                .listWorkers(Empty()))
        else {
            return XCTFail()
        }
    }

    func testVersionNegotiation() {
        var head = ServerHandshake(token: token, headName: "h", sessionID: 1, heartbeatIntervalMs: 1, versions: 1...3)
        let client = ClientHandshake(token: token, role: .client, name: "c", versions: 2...5)
        guard case .send(.challenge(let challenge)) = head.receive(.hello(client.hello)) else { return XCTFail() }
        XCTAssertEqual(challenge.version, 3)

        var old = ServerHandshake(token: token, headName: "h", sessionID: 1, heartbeatIntervalMs: 1, versions: 1...1)
        let future = ClientHandshake(token: token, role: .client, name: "c", versions: 4...5)
        guard case .reject(.refused(let refused)?, .noCommonProtocolVersion) = old.receive(.hello(future.hello)) else {
            return XCTFail()
        }
        XCTAssertEqual(refused.reason, .noCommonVersion)
    }

    func testAVersionOnePeerIsRefusedNotServedInClear() {
        // Version 1 sent every frame in clear; this head speaks only the sealed version 2.
        var head = server(token)
        let old = ClientHandshake(token: token, role: .worker, name: "old", versions: 1...1)
        guard case .reject(.refused(let refused)?, let error) = head.receive(.hello(old.hello)) else {
            return XCTFail()
        }
        XCTAssertEqual(refused.reason, .noCommonVersion)
        XCTAssertEqual(error, .noCommonProtocolVersion(ours: 2...2, theirs: 1...1))
        // And a version-1 head's Challenge is refused by this peer.
        var client = ClientHandshake(token: token, role: .worker, name: "new")
        guard
            case .fail(.noCommonProtocolVersion) = client.receive(
                .challenge(Challenge(version: 1, nonce: Array(repeating: 3, count: 32), headName: "old head")))
        else { return XCTFail() }
    }

    func testAHeadAcceptsEachOfItsTokensAndSaysWhichOneWasProven() {
        let previous = try! ClusterToken(secret: "the token before the rotation")
        for (peerToken, expected) in [(token, token), (previous, previous)] {
            var client = ClientHandshake(token: peerToken, role: .worker, name: "w")
            var head = ServerHandshake(tokens: [token, previous], headName: "h", sessionID: 1, heartbeatIntervalMs: 1)
            let (clientEnd, serverEnd) = run(client: &client, server: &head)
            guard case .complete(let clientSession, let clientKeys) = clientEnd,
                case .complete(_, let session, let headKeys) = serverEnd
            else { return XCTFail("\(clientEnd) \(serverEnd)") }
            XCTAssertEqual(session.token, expected)
            XCTAssertEqual(clientSession.token, expected)
            XCTAssertEqual(clientKeys.sealing, headKeys.opening, "the keys come from the token both hold")
        }
        var stranger = ClientHandshake(token: wrongToken, role: .worker, name: "w")
        var head = ServerHandshake(tokens: [token, previous], headName: "h", sessionID: 1, heartbeatIntervalMs: 1)
        guard case .reject(_, .authenticationFailed) = run(client: &stranger, server: &head).1 else { return XCTFail() }
    }

    func testShortNonceIsAProtocolViolation() {
        var head = server(token)
        let hello = Hello(minVersion: 2, maxVersion: 2, role: .worker, name: "w", nonce: [1, 2, 3])
        guard case .reject(.refused(let refused)?, _) = head.receive(.hello(hello)) else { return XCTFail() }
        XCTAssertEqual(refused.reason, .protocolViolation)
    }

    func testTokenIsNeverPrinted() {
        XCTAssertFalse("\(token)".contains("horse"))
        XCTAssertFalse(String(reflecting: token).contains("horse"))
    }
}
