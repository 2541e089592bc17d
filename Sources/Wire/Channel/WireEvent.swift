/// Fired down the pipeline (as a user inbound event) when the handshake has succeeded; the
/// handlers after the handshake handler see no message before it.
public enum WireEvent: Sendable {
    case authenticated(PeerSession)
}
