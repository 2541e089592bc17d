/// A worker's or client's side of the handshake (see `ServerHandshake` for the sequence). The
/// peer sends its proof only after the Challenge, and trusts the head only after checking the
/// head's proof in Welcome: a rogue head that lacks the token learns nothing and gets nowhere.
/// Only then does it derive the session keys (`KeySchedule`) that seal every later frame.
public struct ClientHandshake: Sendable {
    public enum Action: Equatable, Sendable {
        case send(Message)
        /// The head is proven; from now on every frame is sealed with these keys.
        case complete(PeerSession, SessionKeys)
        case fail(WireError)
    }

    private enum State: Sendable {
        case awaitingChallenge
        case awaitingWelcome(version: UInt16, headName: String, transcript: [UInt8])
        case finished
    }

    private let token: ClusterToken
    public let hello: Hello
    private let versions: ClosedRange<UInt16>
    private var state = State.awaitingChallenge

    public init(
        token: ClusterToken,
        role: PeerRole,
        name: String,
        versions: ClosedRange<UInt16> = ProtocolVersion.supported,
        nonce: [UInt8]? = nil
    ) {
        self.token = token
        self.versions = versions
        hello = Hello(
            minVersion: versions.lowerBound,
            maxVersion: versions.upperBound,
            role: role,
            name: name,
            nonce: nonce ?? HandshakeMAC.freshNonce()
        )
    }

    public mutating func receive(_ message: Message) -> Action {
        switch (state, message) {
        case (.awaitingChallenge, .challenge(let challenge)):
            guard versions.contains(challenge.version) else {
                state = .finished
                return .fail(.noCommonProtocolVersion(ours: versions, theirs: challenge.version...challenge.version))
            }
            guard challenge.nonce.count == HandshakeMAC.nonceLength, challenge.nonce != hello.nonce else {
                state = .finished
                return .fail(.valueOutOfRange("Challenge.nonce"))
            }
            let transcript = HandshakeMAC.transcript(hello: hello, challenge: challenge)
            state = .awaitingWelcome(version: challenge.version, headName: challenge.headName, transcript: transcript)
            let mac = HandshakeMAC.mac(label: HandshakeMAC.clientLabel, transcript: transcript, token: token)
            return .send(.proof(Proof(mac: mac)))

        case (.awaitingWelcome(let version, let headName, let transcript), .welcome(let welcome)):
            state = .finished
            guard
                HandshakeMAC.verify(welcome.mac, label: HandshakeMAC.serverLabel, transcript: transcript, token: token)
            else {
                return .fail(.authenticationFailed("head \"\(headName)\" could not prove it holds the cluster token"))
            }
            return .complete(
                PeerSession(
                    role: hello.role,
                    name: headName,
                    version: version,
                    sessionID: welcome.sessionID,
                    heartbeatIntervalMs: welcome.heartbeatIntervalMs,
                    token: token
                ),
                SessionKeys.peer(token: token, transcript: transcript)
            )

        case (_, .refused(let refused)):
            state = .finished
            return .fail(.refusedByPeer(refused.reason, refused.text))
        case (.awaitingChallenge, _):
            state = .finished
            return .fail(.unexpectedMessage(expected: "Challenge", got: "\(message.kind)"))
        case (.awaitingWelcome, _):
            state = .finished
            return .fail(.unexpectedMessage(expected: "Welcome", got: "\(message.kind)"))
        case (.finished, _):
            return .fail(.unexpectedMessage(expected: "nothing (handshake over)", got: "\(message.kind)"))
        }
    }
}
