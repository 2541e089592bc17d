import ArgumentParser
import Dashboard
import DashboardServer
import EOPipelines
import Foundation
import GrowCLI
import HeadRuntime
import Launcher
import LauncherRuntime
import Logging
import TileScheduler
import Wire

struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Run the head daemon: accept workers and jobs on TCP (default port 6379).",
        discussion: """
            State (the journal and, unless a job names a project folder, its records) lives in
            --state-dir; a restarted head resumes its jobs from there. Workers and clients prove
            they hold the cluster token; the head creates the token file if there is none.
            SIGTERM or Ctrl-C: the journal is flushed, workers are told to stop, the head exits.

            With --cluster (what `grow-head up` leaves on the head of a `provider: type: aws`
            cluster, ~/.grow/cluster.yaml with its key beside it) the head scales the workers with
            the work: it launches spot or on-demand instances within min_workers..max_workers, sets
            them up over SSH as `up` does, replaces interrupted and lost ones, and terminates (or
            stops, with cache_stopped_nodes) those idle past idle_timeout_minutes.

            The dashboard (the tile map, jobs, workers) and Prometheus' /metrics listen on
            127.0.0.1:8265; reach them from a laptop with `grow-head dashboard CLUSTER.yaml`. Bound
            to another address, the dashboard asks for the cluster token (a login form; the
            session lives in a cookie) and /metrics wants it as a bearer token.
            """)

    @Option(help: "TCP port to listen on.") var port = 6379
    @Option(help: "Address to listen on (0.0.0.0: every interface).") var bind = "0.0.0.0"
    @Option(help: "Directory for the journal and records.") var stateDir = DefaultPaths.stateDirectory
    @Option(help: "Cluster token file (created with mode 0600 if missing; GROW_TOKEN wins if set).")
    var tokenFile = DefaultPaths.tokenFile
    @Option(help: "Seconds after `grow-head token rotate` during which the previous token is still accepted.")
    var tokenGrace = 3600.0
    @Option(help: "Seconds without a heartbeat after which a worker is lost.") var heartbeatTimeout = 5.0
    @Option(help: "Seconds between worker heartbeats.") var heartbeatInterval = 1.0
    @Option(
        help:
            "After a restart, seconds to wait for workers to report back before handing out tiles (default: the heartbeat timeout)."
    )
    var resumeGrace: Double?
    @Option(help: "Tiles each worker slot holds in reserve, so slots never wait for the head.") var prefetch = 2
    @Option(help: "For short tiles, also queue this many milliseconds of work per slot (0: off).")
    var prefetchWindowMs = 50
    @Option(help: "A tile that was running on this many lost workers is quarantined.") var quarantineAfter = 3
    @Flag(help: "Do not take unstarted tiles back from busy workers for idle ones.") var noStealing = false
    @Flag(help: "Do not run backup copies of the slowest tiles at the end of a job.") var noBackups = false
    @Flag(help: "On SIGTERM leave the workers running (they reconnect to the next head).") var keepWorkers = false
    @Option(help: "Autoscale the EC2 workers of this cluster file (the copy `up` leaves at ~/.grow/cluster.yaml).")
    var cluster: String?
    @Option(help: "Address of the dashboard and /metrics (anything but loopback asks for the token).")
    var dashboardBind = "127.0.0.1"
    @Option(help: "Port of the dashboard and /metrics (0: any free port).") var dashboardPort = 8265
    @Flag(help: "No dashboard and no /metrics.") var noDashboard = false

    func run() async throws {
        try await reportingUserErrors {
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            let logger = Logger(label: "grow-head")
            let token = try loadOrCreateToken(logger: logger)
            guard heartbeatTimeout > 0, heartbeatInterval > 0, heartbeatInterval < heartbeatTimeout else {
                throw UserError("--heartbeat-interval must be positive and shorter than --heartbeat-timeout")
            }
            var scheduler = SchedulerConfig()
            scheduler.heartbeatTimeoutMs = UInt64(heartbeatTimeout * 1000)
            scheduler.prefetchPerSlot = prefetch
            scheduler.prefetchWindowMs = UInt64(max(0, prefetchWindowMs))
            scheduler.quarantineAfterLosses = quarantineAfter
            scheduler.stealing = !noStealing
            scheduler.backupCopies = !noBackups
            guard tokenGrace >= 0 else { throw UserError("--token-grace must be at least 0") }
            var config = HeadConfig(
                host: bind, port: port, stateDirectory: stateDir, token: token,
                heartbeatIntervalMs: UInt32(heartbeatInterval * 1000), scheduler: scheduler,
                resumeGraceMs: resumeGrace.map { UInt64(max(0, $0) * 1000) }, finalizer: ExportMapsFinalization.step)
            // The files are read again for rotations, unless the token came from GROW_TOKEN.
            let fromEnvironment = !(ProcessInfo.processInfo.environment[ClusterToken.environmentVariable] ?? "").isEmpty
            config.tokenFile = fromEnvironment ? nil : tokenFile
            config.tokenGraceMs = UInt64(tokenGrace * 1000)
            if let cluster {
                config.autoscaling = try autoscaling(cluster: cluster, logger: logger)
            }
            guard (0...65535).contains(dashboardPort) else { throw UserError("--dashboard-port must be 0...65535") }
            let dashboard = noDashboard ? nil : try makeDashboard(name: config.name, port: port)
            config.dashboard = dashboard?.feed
            config.metrics = dashboard.map { HeadMetrics(factory: $0.metricsFactory) }
            let server: HeadServer
            do {
                server = try HeadServer(config: config, logger: logger)
            } catch {
                throw UserError("cannot open the state directory \(stateDir): \(error)")
            }
            if server.resumedJobs > 0 { logger.info("resuming \(server.resumedJobs) job(s) from the journal") }
            do {
                _ = try await server.start()
            } catch {
                throw UserError("cannot listen on \(bind):\(port): \(error)")
            }
            if let dashboard {
                // The head runs without it rather than not at all (a second head on one machine).
                do {
                    let bound = try await dashboard.start(logger: logger)
                    logger.info(
                        "dashboard listening",
                        metadata: [
                            "url":
                                "http://\(dashboardBind.contains(":") ? "[\(dashboardBind)]" : dashboardBind):\(bound)/",
                            "login": "\(dashboard.requiresLogin ? "cluster token" : "none (loopback)")",
                        ])
                } catch {
                    logger.warning(
                        "no dashboard: cannot listen on \(dashboardBind):\(dashboardPort): \(error)")
                }
            }
            for await signal in Signals.termination() {
                logger.info("stopping on signal \(signal)")
                break
            }
            await dashboard?.stop()
            try await server.stop(stopWorkers: !keepWorkers)
        }
    }

    /// The dashboard's state, registry and server; the login form compares with the token's text.
    private func makeDashboard(name: String, port: Int) throws -> DashboardServer {
        let environment = ProcessInfo.processInfo.environment
        let secret: String
        if let fromEnvironment = environment[ClusterToken.environmentVariable], !fromEnvironment.isEmpty {
            secret = fromEnvironment
        } else {
            secret = try UserError.wrap { try String(contentsOfFile: tokenFile, encoding: .utf8) }
        }
        let host = ProcessInfo.processInfo.hostName
        return DashboardServer(
            feed: DashboardFeed(),
            settings: DashboardSettings(
                host: dashboardBind, port: dashboardPort, title: "\(host):\(port)",
                token: Array(secret.trimmingCharacters(in: .whitespacesAndNewlines).utf8)))
    }

    /// The autoscaler's policy, EC2 and SSH set-up from the cluster file on the head.
    private func autoscaling(cluster: String, logger: Logger) throws -> Autoscaling {
        let secret = try ClusterOptions.tokenSecret(file: tokenFile, create: false)
        let built = try UserError.wrap {
            var context = try ClusterContext.load(
                path: cluster, home: DefaultPaths.home, tokenSecret: secret,
                localBinaries: ClusterOptions.binaryDirectory,
                policy: .acceptNew, sshTimeout: 300, onHead: true)
            if (ProcessInfo.processInfo.environment[ClusterToken.environmentVariable] ?? "").isEmpty {
                context.tokenFile = tokenFile  // new workers get the token current when they are set up
            }
            return try EC2HeadAutoscaling.make(context: context, home: DefaultPaths.home) { line in
                logger.info("\(line)")
            }
        }
        logger.info(
            "autoscaling the cluster's EC2 workers",
            metadata: [
                "cluster file": "\(cluster)", "max workers": "\(built.config.maxWorkers)",
                "idle timeout s": "\(built.config.idleTimeoutMs / 1000)",
            ])
        return Autoscaling(config: built.config, provider: built.provider, setup: built.setup)
    }

    private func loadOrCreateToken(logger: Logger) throws -> ClusterToken {
        let environment = ProcessInfo.processInfo.environment
        if environment[ClusterToken.environmentVariable] == nil, !FileManager.default.fileExists(atPath: tokenFile) {
            let directory = (tokenFile as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            _ = try UserError.wrap { try ClusterToken.createTokenFile(at: tokenFile) }
            logger.info("created a new cluster token", metadata: ["file": "\(tokenFile)"])
        }
        let token = try UserError.wrap { try ClusterToken.load(environment: environment, file: tokenFile) }
        if (environment[ClusterToken.environmentVariable] ?? "").isEmpty {
            _ = try UserError.wrap { try TokenFiles.load(tokenFile) }  // the previous token's file too
        }
        return token
    }
}
