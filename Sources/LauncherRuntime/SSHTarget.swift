/// Where and as whom to log in.
public struct SSHTarget: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    /// Path of the private key file (already expanded); its `.pub` is used when present.
    public var privateKey: String
    public var knownHostsFile: String
    public var policy: KnownHostsPolicy

    public init(
        host: String, port: Int, user: String, privateKey: String, knownHostsFile: String, policy: KnownHostsPolicy
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.privateKey = privateKey
        self.knownHostsFile = knownHostsFile
        self.policy = policy
    }

    public var description: String { port == 22 ? "\(user)@\(host)" : "\(user)@\(host):\(port)" }
}
