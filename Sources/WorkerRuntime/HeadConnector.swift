import NIOCore
import Wire

/// How the worker reaches its head: one call, one authenticated connection (or an error). The
/// command line dials TCP; tests hand the worker in-memory channels they play the head on.
package protocol HeadConnector: Sendable {
    /// A connection after a successful handshake with `token` (the worker's current one, read
    /// again from its file before every attempt). Throws what `WireClient.connect` throws; a
    /// `WireError.refusedByPeer` for a wrong token ends the worker, anything else is retried.
    func connect(token: ClusterToken) async throws -> WireConnection
}

/// The real connector: TCP to `host:port`, then the handshake with the cluster token.
package struct TCPHeadConnector: HeadConnector {
    package var host: String
    package var port: Int
    package var workerID: String

    package init(host: String, port: Int, workerID: String) {
        self.host = host
        self.port = port
        self.workerID = workerID
    }

    package init(config: WorkerConfig) {
        self.init(host: config.host, port: config.port, workerID: config.workerID)
    }

    package func connect(token: ClusterToken) async throws -> WireConnection {
        try await WireClient.connect(host: host, port: port, token: token, role: .worker, name: workerID)
    }
}
