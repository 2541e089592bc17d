import NIOCore
import Wire

/// The client side of the head's protocol, for `submit`, `status`, `cancel` and `run`.
package struct HeadClient: Sendable {
    let connection: WireConnection

    package static func connect(host: String, port: Int, token: ClusterToken) async throws -> HeadClient {
        let connection = try await WireClient.connect(
            host: host, port: port, token: token, role: .client, name: "grow-head client")
        return HeadClient(connection: connection)
    }

    /// Sends one request and returns the first reply.
    func request(_ message: Message) async throws -> Message {
        try await connection.channel.executeThenClose { inbound, outbound in
            try await outbound.write(message)
            var replies = inbound.makeAsyncIterator()
            guard let reply = try await replies.next() else { throw HeadClientError.closed }
            return reply
        }
    }

    package func submit(name: String, spec: String) async throws -> JobAccepted {
        switch try await request(.submitJob(SubmitJob(name: name, spec: spec))) {
        case .jobAccepted(let accepted): return accepted
        case .errorReply(let error): throw HeadClientError.rejected(error.message)
        case let other: throw HeadClientError.unexpected(other.kind)
        }
    }

    package func jobs(_ job: UInt32 = 0) async throws -> [Wire.JobSummary] {
        switch try await request(.queryJobs(JobRef(job: job))) {
        case .jobStatus(let status): return status.jobs
        case .errorReply(let error): throw HeadClientError.rejected(error.message)
        case let other: throw HeadClientError.unexpected(other.kind)
        }
    }

    package func workers() async throws -> [WorkerSummary] {
        switch try await request(.listWorkers(Empty())) {
        case .workerList(let list): return list.workers
        case .errorReply(let error): throw HeadClientError.rejected(error.message)
        case let other: throw HeadClientError.unexpected(other.kind)
        }
    }

    package func cancel(_ job: UInt32) async throws -> [Wire.JobSummary] {
        switch try await request(.cancelJob(JobRef(job: job))) {
        case .jobStatus(let status): return status.jobs
        case .errorReply(let error): throw HeadClientError.rejected(error.message)
        case let other: throw HeadClientError.unexpected(other.kind)
        }
    }

    /// Streams the job's progress to `update` until it ends; returns the final summary.
    package func watch(_ job: UInt32, update: (Wire.JobSummary) -> Void) async throws -> Wire.JobSummary {
        try await connection.channel.executeThenClose { inbound, outbound in
            try await outbound.write(.watchJob(JobRef(job: job)))
            for try await message in inbound {
                switch message {
                case .jobStatus(let status):
                    guard let summary = status.jobs.first(where: { $0.job == job }) else { continue }
                    update(summary)
                    if summary.state != .running { return summary }
                case .errorReply(let error):
                    throw HeadClientError.rejected(error.message)
                default:
                    continue
                }
            }
            throw HeadClientError.closed
        }
    }

    package func close() async {
        try? await connection.channel.channel.close()
    }
}

package enum HeadClientError: Error, CustomStringConvertible {
    case closed
    case rejected(String)
    case unexpected(Message.Kind)

    package var description: String {
        switch self {
        case .closed: return "the head closed the connection"
        case .rejected(let message): return message
        case .unexpected(let kind): return "the head answered with an unexpected \(kind)"
        }
    }
}
