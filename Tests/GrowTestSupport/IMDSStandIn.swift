import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// EC2's instance metadata service as the tests need it: IMDSv2 only (a GET without a valid
/// token is 401; a token expires after the TTL the client asked for), `instance-id`, any other
/// path a test sets (`local-ipv4`), an instance profile's role and credentials (the nth fetch
/// gets the nth set, the last one from then on), and `spot/instance-action` and
/// `events/recommendations/rebalance`, 404 until a test sets a notice, then the JSON AWS sends.
/// It listens on loopback, or at 169.254.169.254 inside a test host's network namespace, and
/// counts what it was asked and when it first handed out each notice.
package final class IMDSStandIn: Sendable {
    package struct Request: Sendable, Equatable {
        package var method: String
        package var path: String
        package var status: Int
    }

    /// One set of instance profile credentials as IMDS serves it.
    package struct Credentials: Sendable {
        package var accessKeyID: String
        package var secretAccessKey: String
        package var token: String
        /// Unix seconds.
        package var expiration: Int

        package init(accessKeyID: String, secretAccessKey: String, token: String, expiration: Int) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.token = token
            self.expiration = expiration
        }
    }

    struct State {
        var tokens: [String: Date] = [:]
        var paths: [String: String] = [:]
        var role: String?
        var credentials: [Credentials] = []
        var credentialFetches = 0
        var instanceAction: String?
        var rebalance: String?
        var requests: [Request] = []
        var tokenTTLs: [Int] = []
        var firstServedNotice: Date?
        var firstServedRebalance: Date?
    }

    package let instanceID: String
    private let state = Mutex(State())
    private let channel: any Channel
    package let host: String
    package let port: Int

    /// Starts listening on `host`, port 0 (any free one) unless given; inside the network
    /// namespace `namespace` (`ip netns` name) when given.
    package init(
        instanceID: String = "i-0123456789abcdef0", host: String = "127.0.0.1", port: Int = 0, namespace: String? = nil
    ) throws {
        self.instanceID = instanceID
        self.host = host
        let box = HandlerBox()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(StandInHandler(standIn: box))
                }
            }
        if let namespace {
            let socket = try listeningSocket(inNamespace: namespace, host: host, port: port)
            channel = try bootstrap.withBoundSocket(socket).wait()
        } else {
            channel = try bootstrap.bind(host: host, port: port).wait()
        }
        self.port = channel.localAddress?.port ?? port
        box.set(self)
    }

    deinit {
        channel.close(promise: nil)
    }

    package var url: String { port == 80 ? "http://\(host)" : "http://\(host):\(port)" }

    /// `text` at `/latest/<path>` from now on (e.g. `meta-data/local-ipv4`).
    package func setPath(_ path: String, _ text: String) {
        state.withLock { $0.paths[path] = text }
    }

    /// The instance profile from now on: `role` (nil: none) and the credentials its fetches get.
    package func setInstanceProfile(role: String?, credentials: [Credentials]) {
        state.withLock {
            $0.role = role
            $0.credentials = credentials
            $0.credentialFetches = 0
        }
    }

    /// From now on `spot/instance-action` answers `{"action": ACTION, "time": TIME}`.
    package func setInstanceAction(_ action: String = "terminate", time: Date) {
        let body = #"{"action": "\#(action)", "time": "\#(Self.iso8601(time))"}"#
        state.withLock { $0.instanceAction = body }
    }

    /// From now on the rebalance recommendation answers `{"noticeTime": TIME}`.
    package func setRebalance(noticeTime: Date) {
        let body = #"{"noticeTime": "\#(Self.iso8601(noticeTime))"}"#
        state.withLock { $0.rebalance = body }
    }

    /// Every token handed out so far is refused from now on (as after the service restarts).
    package func forgetTokens() {
        state.withLock { $0.tokens = [:] }
    }

    package var requests: [Request] { state.withLock { $0.requests } }
    /// Requests so far by `METHOD /path status` (`GET /latest/meta-data/instance-id 401`).
    package func counts() -> [String: Int] {
        requests.reduce(into: [:]) { $0["\($1.method) \($1.path) \($1.status)", default: 0] += 1 }
    }
    /// The TTLs clients asked for, one per token handed out.
    package var tokenTTLs: [Int] { state.withLock { $0.tokenTTLs } }
    /// When a notice was first answered with its JSON (nil: not yet).
    package var firstServedNotice: Date? { state.withLock { $0.firstServedNotice } }
    package var firstServedRebalance: Date? { state.withLock { $0.firstServedRebalance } }

    /// What IMDS answers for a role: its credentials as JSON.
    static func document(_ set: Credentials) -> String {
        let object: [String: String] = [
            "Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": set.accessKeyID,
            "SecretAccessKey": set.secretAccessKey, "Token": set.token,
            "Expiration": iso8601(Date(timeIntervalSince1970: TimeInterval(set.expiration))),
            "LastUpdated": iso8601(Date()),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Answers one request: (status, body).
    func answer(method: HTTPMethod, path: String, headers: HTTPHeaders) -> (Int, String) {
        let now = Date()
        let (status, body) = state.withLock { state -> (Int, String) in
            if method == .PUT && path == "/latest/api/token" {
                guard let ttl = headers.first(name: "X-aws-ec2-metadata-token-ttl-seconds").flatMap(Int.init),
                    (1...21_600).contains(ttl)
                else { return (400, "") }
                let token = "token-\(UUID().uuidString)"
                state.tokens[token] = now.addingTimeInterval(Double(ttl))
                state.tokenTTLs.append(ttl)
                return (200, token)
            }
            guard method == .GET else { return (405, "") }
            guard let token = headers.first(name: "X-aws-ec2-metadata-token"), let expiry = state.tokens[token],
                expiry > now
            else { return (401, "") }
            let credentialsPrefix = "/latest/meta-data/iam/security-credentials/"
            switch path {
            case "/latest/meta-data/instance-id":
                return (200, instanceID)
            case credentialsPrefix:
                return state.role.map { (200, $0) } ?? (404, "")
            case credentialsPrefix + (state.role ?? "\u{0}"):
                guard !state.credentials.isEmpty else { return (404, "") }
                let set = state.credentials[min(state.credentialFetches, state.credentials.count - 1)]
                state.credentialFetches += 1
                return (200, Self.document(set))
            case "/latest/meta-data/spot/instance-action":
                guard let body = state.instanceAction else { return (404, "") }
                if state.firstServedNotice == nil { state.firstServedNotice = now }
                return (200, body)
            case "/latest/meta-data/events/recommendations/rebalance":
                guard let body = state.rebalance else { return (404, "") }
                if state.firstServedRebalance == nil { state.firstServedRebalance = now }
                return (200, body)
            default:
                let relative = path.hasPrefix("/latest/") ? String(path.dropFirst("/latest/".count)) : path
                return state.paths[relative].map { (200, $0) } ?? (404, "")
            }
        }
        state.withLock { $0.requests.append(Request(method: method.rawValue, path: path, status: status)) }
        return (status, body)
    }
}

/// Lets the handlers reach the stand-in once it exists (the bootstrap needs them first).
final class HandlerBox: Sendable {
    private let standIn = Mutex<IMDSStandIn?>(nil)
    func set(_ value: IMDSStandIn) { standIn.withLock { $0 = value } }
    func get() -> IMDSStandIn? { standIn.withLock { $0 } }
}

final class StandInHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let standIn: HandlerBox
    private var head: HTTPRequestHead?

    init(standIn: HandlerBox) {
        self.standIn = standIn
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head, let standIn = standIn.get() else { return }
            let (status, body) = standIn.answer(method: head.method, path: head.uri, headers: head.headers)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: "\(body.utf8.count)")
            headers.add(name: "Content-Type", value: "text/plain")
            let responseHead = HTTPResponseHead(
                version: head.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            self.head = nil
        }
    }
}
