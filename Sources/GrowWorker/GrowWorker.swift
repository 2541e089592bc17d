import AWSCore
import ArgumentParser
import DashboardServer
import EOGrowBridge
import EOPipelines
import Exec
import Foundation
import GrowCLI
import Logging
import Wire
import WorkerRuntime

@main
struct GrowWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grow-worker",
        abstract: "A worker of a grow cluster: pulls tiles from the head and runs them.",
        discussion: """
            Connects to the head (and reconnects with backoff whenever the connection drops),
            runs tiles in parallel slots, and keeps working while the head is away. SIGTERM
            (or a spot interruption) drains it: running tiles finish and are reported, then it exits.
            The token file is read again before every connection and on SIGHUP: after
            `grow-head token rotate`, copy the new file here and send SIGHUP, and the worker
            reconnects with the new token while its tiles run on.
            On EC2 it polls the instance metadata service (IMDSv2) for the spot interruption notice
            and drains with the notice's time less --notice-margin as its deadline; a rebalance
            recommendation is passed on to the head (whose autoscaler may start a replacement).
            Exit codes: 0 drained or stopped by the head, 2 refused (wrong token) or bad arguments.
            """)

    static func main() async { await mainExitingTwoOnUsageErrors() }

    @Option(help: "The head's address, HOST:PORT.") var address: String
    @Option(help: "Tiles to run at the same time (default: one per CPU).") var slots: Int?
    @Option(help: "File with the cluster token (GROW_TOKEN wins if set).")
    var tokenFile = (ProcessInfo.processInfo.environment["HOME"] ?? "/root") + "/.grow/token"
    @Option(help: "Where tiles run (created if missing).") var workDir = NSTemporaryDirectory() + "grow-worker"
    @Option(help: "This worker's stable name (default: HOST-PID).") var workerID: String?
    @Option(help: "Tiles each slot holds in reserve.") var prefetch = 2
    @Option(help: "Seconds a draining worker has to finish (a spot instance gets 120).") var drainGrace = 120.0
    @Option(
        help: """
            Watch EC2's metadata service for spot interruption notices: on, off, or auto (on when this \
            machine is an EC2 instance, or when --imds-endpoint is given).
            """)
    var spotNotices: SpotNoticeMode = .auto
    @Option(help: "The instance metadata service (a stand-in's address in tests).")
    var imdsEndpoint: String?
    @Option(help: "Seconds between two looks for a notice.") var noticePollInterval = 2.0
    @Option(help: "Seconds before the notice's time by which running tiles must be done; later ones are reissued.")
    var noticeMargin = 15.0
    @Option(
        help: """
            The provider's id of this machine, for the head's autoscaler (default: $GROW_NODE_ID, else the \
            instance id from the metadata service when notices are watched).
            """)
    var nodeID: String?
    @Option(
        help: """
            The Python with eo-grow that runs eo-grow's own pipelines (default: $GROW_EOGROW_PYTHON, else \
            .cache/eogrow-venv/bin/python of the package a development build comes from, else python3).
            """)
    var python: String?
    @Option(help: "Least important log messages shown: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .info
    @Option(help: "Serve this worker's Prometheus metrics at /metrics on this port (default: none; 0: any free port).")
    var metricsPort: Int?
    @Option(help: "Address of --metrics-port.") var metricsBind = "0.0.0.0"

    func run() async throws {
        let fail: (String) -> ExitCode = { message in
            FileHandle.standardError.write(Data("grow-worker: \(message)\n".utf8))
            return ExitCode(2)
        }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (1...65535).contains(port), colon > address.startIndex
        else { throw fail("address \"\(address)\" is not HOST:PORT") }
        let host = String(address[..<colon])
        let slotCount = slots ?? ProcessInfo.processInfo.activeProcessorCount
        guard slotCount >= 1, slotCount <= 4096 else { throw fail("--slots must be between 1 and 4096") }
        let token: ClusterToken
        do {
            token = try ClusterToken.load(environment: ProcessInfo.processInfo.environment, file: tokenFile)
        } catch {
            throw fail("\(error)")
        }
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "grow-worker")
        let id = workerID ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        guard noticePollInterval > 0, noticeMargin >= 0 else {
            throw fail("--notice-poll-interval must be above 0 and --notice-margin at least 0")
        }
        var metadata: InstanceMetadataClient?
        let onEC2 = InstanceMetadataEndpoint.isEC2 { try? String(contentsOfFile: $0, encoding: .utf8) }
        if spotNotices == .on || (spotNotices == .auto && (imdsEndpoint != nil || onEC2)) {
            let text = imdsEndpoint ?? InstanceMetadataEndpoint.awsDefault.url
            guard let endpoint = InstanceMetadataEndpoint.parse(text) else {
                throw fail("--imds-endpoint \"\(text)\" is not http://HOST[:PORT]")
            }
            metadata = InstanceMetadataClient(endpoint: endpoint)
        }
        var node = nodeID ?? ProcessInfo.processInfo.environment["GROW_NODE_ID"] ?? ""
        if node.isEmpty, let metadata {
            do {
                node = try await metadata.fetch("meta-data/instance-id") ?? ""
            } catch {
                logger.warning(
                    "cannot read this instance's id from the metadata service", metadata: ["error": "\(error)"])
            }
        }
        let fromEnvironment = !(ProcessInfo.processInfo.environment[ClusterToken.environmentVariable] ?? "").isEmpty
        var config = WorkerConfig(
            host: host, port: port, token: token, slots: slotCount, workDirectory: workDir, workerID: id,
            prefetchPerSlot: prefetch, drainGraceMs: UInt64(drainGrace * 1000), nodeID: node,
            tokenFile: fromEnvironment ? nil : tokenFile)
        var metricsServer: MetricsServer?
        if let metricsPort {
            guard (0...65535).contains(metricsPort) else { throw fail("--metrics-port must be 0...65535") }
            let server = MetricsServer()
            config.metrics = WorkerMetrics(factory: server.metricsFactory)
            do {
                let bound = try await server.start(host: metricsBind, port: metricsPort, logger: logger)
                logger.info("metrics listening", metadata: ["url": "http://\(metricsBind):\(bound)/metrics"])
            } catch {
                throw fail("cannot listen on \(metricsBind):\(metricsPort) for metrics: \(error)")
            }
            metricsServer = server
        }
        let runner = TileExecutor(
            eoPipelines: EOPipelineRunner(),
            eoGrow: EOGrowRunner(
                python: EOGrowInterpreter.resolve(flag: python), workDirectory: workDir + "/eogrow"))
        let runtime = Worker(config: config, runner: runner, logger: logger)
        let signals = Task {
            for await _ in Signals.termination() {
                await runtime.drain(reason: "SIGTERM")
            }
        }
        let hangupSignals = Signals.hangup()  // from now on SIGHUP no longer ends the process
        let hangups = Task {
            for await _ in hangupSignals {
                await runtime.reloadToken()
            }
        }
        let watcher = metadata.map { client in
            let watcher = InterruptionWatcher(
                client: client, pollIntervalMs: UInt64(noticePollInterval * 1000),
                marginMs: UInt64(noticeMargin * 1000), logger: logger)
            return Task { await watcher.watch(runtime) }
        }
        let ending = await runtime.run()
        signals.cancel()
        hangups.cancel()
        watcher?.cancel()
        await metricsServer?.stop()
        switch ending {
        case .refused(let message): throw fail(message)
        case .drained: logger.info("drained; exiting")
        case .shutDownByHead(let reason): logger.info("stopped by the head: \(reason)")
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Whether the worker watches for spot interruption notices.
enum SpotNoticeMode: String, ExpressibleByArgument, Sendable {
    case auto, on, off
}
