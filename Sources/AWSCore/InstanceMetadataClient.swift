import Foundation
import GrowBase
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The instance metadata service through IMDSv2: a session token is PUT first
/// (`/latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds`), kept until shortly before
/// its TTL runs out, and sent with every GET; a 401 means the token was dropped (a restarted
/// service), so one new token is fetched and the GET tried again. Short timeouts: the service is
/// on the instance itself, and a machine elsewhere must not wait long. Blocking; thread-safe.
package final class InstanceMetadataClient: Sendable {
    package let endpoint: InstanceMetadataEndpoint
    /// Seconds a token is asked to live (AWS allows 1 to 21,600).
    package let tokenTTL: Int
    private let token = Mutex<InstanceMetadataToken?>(nil)
    private let pool = HandlePool(keep: 2)
    private let settings = TransferSettings(connectTimeout: 2, stallTimeout: 5, totalTimeout: 5)
    private let retry = RetryPolicy(maxAttempts: 3, baseDelay: 0.2, maxDelay: 1)

    package init(endpoint: InstanceMetadataEndpoint = .awsDefault, tokenTTL: Int = 21_600) {
        self.endpoint = endpoint
        self.tokenTTL = min(max(tokenTTL, 1), 21_600)
    }

    /// The text at `/latest/<path>` (e.g. `meta-data/instance-id`,
    /// `meta-data/spot/instance-action`); nil when the service answers 404 (nothing there).
    package func get(_ path: String) throws(AWSError) -> String? {
        try getBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `get` for async callers (the worker's notice watcher): the blocking call on a global
    /// queue, so no task thread waits on the network.
    package func fetch(_ path: String) async throws -> String? {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try self.get(path) }) }
        }
    }

    package func getBytes(_ path: String) throws(AWSError) -> [UInt8]? {
        let url = "\(endpoint.url)/latest/\(path.hasPrefix("/") ? String(path.dropFirst()) : path)"
        var renewed = false
        while true {
            let current = try sessionToken()
            let response = try send(
                HTTPRequest(method: "GET", url: url, headers: [("X-aws-ec2-metadata-token", current)]),
                what: "GET /latest/\(path)")
            switch response.status {
            case 200..<300: return response.body
            case 404: return nil
            case 401 where !renewed:
                renewed = true
                token.withLock { if $0?.value == current { $0 = nil } }
            default:
                throw AWSError(
                    response.status == 401 || response.status == 403 ? .denied : .failed, subject,
                    "GET /latest/\(path) answered \(response.status)", status: response.status)
            }
        }
    }

    /// The role of the instance profile and its current credentials; nil when the instance has
    /// no instance profile (the service answers 404 for the list of roles).
    package func instanceProfileCredentials() throws(AWSError) -> AWSCredentials? {
        guard let roles = try get("meta-data/iam/security-credentials/") else { return nil }
        guard let role = roles.split(whereSeparator: \.isNewline).first.map({ String($0).trimmingSpaces }),
            !role.isEmpty
        else { return nil }
        guard let body = try getBytes("meta-data/iam/security-credentials/\(AWSEncoding.encode(role))") else {
            throw AWSError(.failed, subject, "the instance profile's role \(role) has no credentials (404)")
        }
        return try InstanceProfileDocument.credentials(body, role: role)
    }

    private var subject: String { "the instance metadata service at \(endpoint)" }

    /// A token with more than a tenth of its life (or a minute) left, PUT for when there is none.
    private func sessionToken() throws(AWSError) -> String {
        let now = Clock.monotonicMs()
        if let cached = token.withLock({ $0 }), !cached.needsRefresh(nowMs: now, ttlSeconds: tokenTTL) {
            return cached.value
        }
        let response = try send(
            HTTPRequest(
                method: "PUT", url: "\(endpoint.url)/latest/api/token",
                headers: [("X-aws-ec2-metadata-token-ttl-seconds", String(tokenTTL))]),
            what: "PUT /latest/api/token")
        guard (200..<300).contains(response.status), !response.body.isEmpty else {
            throw AWSError(
                response.status == 403 ? .denied : .failed, subject,
                "refused a session token (\(response.status))"
                    + (response.status == 403
                        ? ": IMDS may be disabled, or a container needs MetadataOptions HttpPutResponseHopLimit 2"
                        : ""),
                status: response.status)
        }
        let value = String(decoding: response.body, as: UTF8.self).trimmingSpaces
        token.withLock { $0 = InstanceMetadataToken(value: value, obtainedAtMs: now, ttlSeconds: tokenTTL) }
        return value
    }

    /// One request with retries of transport failures and 5xx; any other answer comes back.
    private func send(_ request: HTTPRequest, what: String) throws(AWSError) -> HTTPResponse {
        try CurlHandle.load()
        var attempt = 1
        while true {
            let result =
                pool.withHandle { $0.perform(request, settings: settings) }
                ?? .local("libcurl could not create a handle")
            let failure: String
            switch result {
            case .response(let response):
                if response.status < 500 { return response }
                failure = "\(what) answered \(response.status)"
            case .transport(let code, let text):
                failure = "cannot reach it: \(text) (curl \(code))"
            case .local(let text):
                throw AWSError(.failed, subject, text)
            }
            guard attempt < retry.maxAttempts else {
                throw AWSError(.failed, subject, "\(failure) (after \(attempt) tries)")
            }
            let wait = retry.delay(afterAttempt: attempt, random: Double.random(in: 0.5..<1))
            usleep(useconds_t(wait * 1_000_000))
            attempt += 1
        }
    }
}
