/// The head's side of the handshake as a pure state machine: messages in, actions out.
///
///     peer → head   Hello      versions, role, name, peer nonce
///     head → peer   Challenge  chosen version, head nonce
///     peer → head   Proof      HMAC(token, client label ‖ transcript)
///     head → peer   Welcome    HMAC(token, server label ‖ transcript), session parameters
///
/// Anything else, in any other order, fails the handshake. A head may accept more than one token
/// (after `grow-head token rotate`, the previous one for a grace period): the Proof is checked
/// against each, and the one it proves keys the Welcome and the session.
public struct ServerHandshake: Sendable {
    public enum Action: Equatable, Sendable {
        case send(Message)
        /// Send the Welcome (in clear); from now on the peer is authenticated and every frame
        /// both ways is sealed with `keys`.
        case complete(send: Message, session: PeerSession, keys: SessionKeys)
        /// Send the refusal (if any), then close.
        case reject(send: Message?, error: WireError)
    }

    private enum State: Sendable {
        case awaitingHello
        case awaitingProof(hello: Hello, version: UInt16, transcript: [UInt8])
        case finished
    }

    private let tokens: [ClusterToken]
    private let versions: ClosedRange<UInt16>
    private let headName: String
    private let nonce: [UInt8]
    private let sessionID: UInt64
    private let heartbeatIntervalMs: UInt32
    private var state = State.awaitingHello

    public init(
        token: ClusterToken,
        headName: String,
        sessionID: UInt64,
        heartbeatIntervalMs: UInt32,
        versions: ClosedRange<UInt16> = ProtocolVersion.supported,
        nonce: [UInt8]? = nil
    ) {
        self.init(
            tokens: [token], headName: headName, sessionID: sessionID, heartbeatIntervalMs: heartbeatIntervalMs,
            versions: versions, nonce: nonce)
    }

    /// `tokens`: every token the head accepts now, the current one first.
    public init(
        tokens: [ClusterToken],
        headName: String,
        sessionID: UInt64,
        heartbeatIntervalMs: UInt32,
        versions: ClosedRange<UInt16> = ProtocolVersion.supported,
        nonce: [UInt8]? = nil
    ) {
        precondition(!tokens.isEmpty, "a head accepts at least one token")
        self.tokens = tokens
        self.headName = headName
        self.sessionID = sessionID
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.versions = versions
        self.nonce = nonce ?? HandshakeMAC.freshNonce()
    }

    public mutating func receive(_ message: Message) -> Action {
        switch (state, message) {
        case (.awaitingHello, .hello(let hello)):
            guard hello.nonce.count == HandshakeMAC.nonceLength, hello.minVersion <= hello.maxVersion else {
                return fail(
                    .protocolViolation, .valueOutOfRange("Hello.nonce must be \(HandshakeMAC.nonceLength) bytes"))
            }
            guard let version = ProtocolVersion.negotiate(ours: versions, theirs: hello.minVersion...hello.maxVersion)
            else {
                return fail(
                    .noCommonVersion,
                    .noCommonProtocolVersion(ours: versions, theirs: hello.minVersion...hello.maxVersion)
                )
            }
            let challenge = Challenge(version: version, nonce: nonce, headName: headName)
            state = .awaitingProof(
                hello: hello,
                version: version,
                transcript: HandshakeMAC.transcript(hello: hello, challenge: challenge)
            )
            return .send(.challenge(challenge))

        case (.awaitingProof(let hello, let version, let transcript), .proof(let proof)):
            // Every token is tried, so the time taken does not say which one matched.
            let proven = tokens.filter {
                HandshakeMAC.verify(proof.mac, label: HandshakeMAC.clientLabel, transcript: transcript, token: $0)
            }
            guard let token = proven.first else {
                return fail(
                    .authenticationFailed,
                    .authenticationFailed("peer \"\(hello.name)\" sent a wrong proof (wrong cluster token?)"))
            }
            state = .finished
            let mac = HandshakeMAC.mac(label: HandshakeMAC.serverLabel, transcript: transcript, token: token)
            let session = PeerSession(
                role: hello.role,
                name: hello.name,
                version: version,
                sessionID: sessionID,
                heartbeatIntervalMs: heartbeatIntervalMs,
                token: token
            )
            return .complete(
                send: .welcome(Welcome(mac: mac, sessionID: sessionID, heartbeatIntervalMs: heartbeatIntervalMs)),
                session: session,
                keys: SessionKeys.head(token: token, transcript: transcript)
            )

        case (.awaitingHello, _):
            return fail(.protocolViolation, .unexpectedMessage(expected: "Hello", got: "\(message.kind)"))
        case (.awaitingProof, _):
            return fail(.protocolViolation, .unexpectedMessage(expected: "Proof", got: "\(message.kind)"))
        case (.finished, _):
            return fail(
                .protocolViolation, .unexpectedMessage(expected: "nothing (handshake over)", got: "\(message.kind)"))
        }
    }

    private mutating func fail(_ reason: RefusalReason, _ error: WireError) -> Action {
        state = .finished
        return .reject(send: .refused(Refused(reason: reason, text: reason.description)), error: error)
    }
}
