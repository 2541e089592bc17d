/// Where and as whom to log in.
package struct SSHTarget: Sendable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var user: String
    /// Path of the private key file (already expanded); its `.pub` is used when present.
    package var privateKey: String
    package var knownHostsFile: String
    package var policy: KnownHostsPolicy

    package init(
        host: String, port: Int, user: String, privateKey: String, knownHostsFile: String, policy: KnownHostsPolicy
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.privateKey = privateKey
        self.knownHostsFile = knownHostsFile
        self.policy = policy
    }

    package var description: String { port == 22 ? "\(user)@\(host)" : "\(user)@\(host):\(port)" }
}
