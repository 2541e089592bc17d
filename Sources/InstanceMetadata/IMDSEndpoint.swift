/// Where the instance metadata service answers: `http://169.254.169.254` on EC2, a stand-in's
/// address in tests.
package struct IMDSEndpoint: Sendable, Equatable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package static let ec2 = IMDSEndpoint(host: "169.254.169.254", port: 80)

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `http://HOST[:PORT]` (a trailing slash is fine); nil for anything else.
    package init?(url: String) {
        guard url.hasPrefix("http://") else { return nil }
        var rest = url.dropFirst("http://".count)
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/") else { return nil }
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else { return nil }
            host = String(rest[..<colon])
            self.port = port
        } else {
            host = String(rest)
            port = 80
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
    }

    package var description: String { port == 80 ? "http://\(host)" : "http://\(host):\(port)" }
}
