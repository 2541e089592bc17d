import NIOCore
import Wire

/// How the worker reaches its head: one call, one authenticated connection (or an error). The
/// command line dials TCP; tests hand the worker in-memory channels they play the head on.
package protocol HeadConnector: Sendable {
    /// A connection after a successful handshake. Throws what `WireClient.connect` throws; a
    /// `WireError.refusedByPeer` for a wrong token ends the worker, anything else is retried.
    func connect() async throws -> WireConnection
}

/// The real connector: TCP to `host:port`, then the handshake with the cluster token.
package struct TCPHeadConnector: HeadConnector {
    package var host: String
    package var port: Int
    package var token: ClusterToken
    package var workerID: String

    package init(host: String, port: Int, token: ClusterToken, workerID: String) {
        self.host = host
        self.port = port
        self.token = token
        self.workerID = workerID
    }

    package init(config: WorkerConfig) {
        self.init(host: config.host, port: config.port, token: config.token, workerID: config.workerID)
    }

    package func connect() async throws -> WireConnection {
        try await WireClient.connect(host: host, port: port, token: token, role: .worker, name: workerID)
    }
}
