import GrowBase
import NIOCore
import NIOHTTP1

/// Why the metadata service could not be read.
package struct IMDSError: Error, Equatable, CustomStringConvertible {
    package var description: String
}

/// IMDSv2: a session token from `PUT /latest/api/token` (its TTL in a header), renewed before it
/// runs out, sent with every `GET`. The token is a credential of sorts: it is never logged.
package actor IMDSClient {
    package nonisolated let endpoint: IMDSEndpoint
    package nonisolated let tokenTTLSeconds: Int
    let timeout: TimeAmount
    private var token: IMDSToken?

    package init(endpoint: IMDSEndpoint = .ec2, tokenTTLSeconds: Int = 21_600, timeout: TimeAmount = .seconds(2)) {
        self.endpoint = endpoint
        self.tokenTTLSeconds = max(1, min(tokenTTLSeconds, 21_600))
        self.timeout = timeout
    }

    /// The body at `path`, or nil when the service has nothing there (404: no notice yet).
    package func get(_ path: String) async throws -> String? {
        var reply = try await getOnce(path, token: try await currentToken())
        if reply.status == 401 {
            // The token was refused (the service restarted, or the clock jumped): a new one, once.
            token = nil
            reply = try await getOnce(path, token: try await currentToken())
        }
        switch reply.status {
        case 200: return reply.body
        case 404: return nil
        default: throw IMDSError(description: "GET \(path) at \(endpoint) answered \(reply.status)")
        }
    }

    private func getOnce(_ path: String, token: String) async throws -> HTTPReply {
        try await HTTPExchange.send(
            method: .GET, host: endpoint.host, port: endpoint.port, path: path,
            headers: [("X-aws-ec2-metadata-token", token)], timeout: timeout)
    }

    private func currentToken() async throws -> String {
        let now = Clock.monotonicMs()
        if let token, !token.needsRefresh(nowMs: now, ttlSeconds: tokenTTLSeconds) { return token.value }
        let reply = try await HTTPExchange.send(
            method: .PUT, host: endpoint.host, port: endpoint.port, path: "/latest/api/token",
            headers: [("X-aws-ec2-metadata-token-ttl-seconds", "\(tokenTTLSeconds)")], timeout: timeout)
        guard reply.status == 200, !reply.body.isEmpty else {
            throw IMDSError(description: "PUT /latest/api/token at \(endpoint) answered \(reply.status)")
        }
        let fresh = IMDSToken(value: reply.body, obtainedAtMs: now, ttlSeconds: tokenTTLSeconds)
        token = fresh
        return fresh.value
    }
}
