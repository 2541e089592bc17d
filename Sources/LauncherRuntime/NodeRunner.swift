import Foundation
import Launcher

/// Carries out one node's set-up plan over a single SSH session: each step reported on the
/// progress board and written to the node's log; the first failing step ends the node with one
/// line naming the node, the config key and the log.
package final class NodeRunner: @unchecked Sendable {
    package let context: ClusterContext
    package let node: NodeIdentity
    package let log: NodeLog
    let board: ProgressBoard
    let commands: NodeCommands
    private(set) var ssh: SSHSession?
    private var home = "/root"
    private var containerHome = "/root"

    package init(context: ClusterContext, node: NodeIdentity, board: ProgressBoard) {
        self.context = context
        self.node = node
        self.board = board
        let safe = node.address.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        log = NodeLog(path: context.logDirectory + "/\(node.role.rawValue)-\(String(safe)).log")
        commands = NodeCommands(config: context.config, node: node)
    }

    var label: String { node.description }

    func fail(_ message: String) -> LaunchError {
        log.note("FAILED: \(message)")
        return LaunchError("\(label): \(message)")
    }

    /// Connects (waiting while the node boots) and learns its home directory.
    package func connect() throws(LaunchError) -> SSHSession {
        if let ssh { return ssh }
        board.update(label, "connecting (SSH)")
        log.note("connecting to \(context.target(node))")
        let deadline = Date().addingTimeInterval(context.sshTimeout)
        let session: SSHSession
        do {
            session = try SSHSession.connectWaiting(context.target(node), deadline: deadline) { error, pause in
                self.log.note("\(error.description); retrying in \(String(format: "%.1f", pause)) s")
                self.board.update(self.label, "waiting for SSH (\(Self.short(error.description)))")
            }
            home = try session.homeDirectory()
        } catch {
            board.update(label, "failed: \(Self.short(error.description))")
            throw fail(error.description.replacingOccurrences(of: "\(context.target(node)): ", with: ""))
        }
        ssh = session
        log.note("connected; home \(home)")
        return session
    }

    static func short(_ text: String) -> String {
        let core = text.components(separatedBy: ": ").suffix(2).joined(separator: ": ")
        return core.count > 60 ? String(core.prefix(57)) + "..." : core
    }

    var hashPath: String { "\(home)/.grow/setup-\(context.config.clusterName).hash" }

    /// Runs `up` on this node. Returns true when the set-up was skipped as unchanged.
    @discardableResult
    package func setUp(options: SetupOptions, uploads: NodeUploads) throws(LaunchError) -> Bool {
        let ssh = try connect()
        let stored = try? ssh.capture("cat \(hashPath) 2>/dev/null")
        let storedHash = stored.flatMap {
            $0.status == 0 && !$0.stdout.isEmpty ? $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
        }
        let plan = NodeSetupPlan(
            config: context.config, node: node, contentDigest: uploads.digest(for: node.role), storedHash: storedHash,
            options: options)
        if plan.upToDate {
            log.note(
                "set-up unchanged (hash \(plan.hash.prefix(12))): skipping file mounts, initialization and setup commands"
            )
            board.update(label, "set-up unchanged, skipping file mounts, initialization and setup")
        }
        for step in plan.steps {
            if step != .waitForSSH { board.update(label, step.name) }
            log.note("step: \(step.name)")
            switch step {
            case .waitForSSH: break
            case .syncFiles: try sync(uploads)
            case .initialization(let list):
                for command in list { try run(command, line: commands.host(command.text)) }
            case .docker: try startContainer()
            case .setup(let list), .start(let list):
                for command in list {
                    try run(command, line: commands.inNode(command.text, containerHome: containerHome))
                }
            case .recordHash:
                let result = try capture("mkdir -p \(home)/.grow && printf %s \(plan.hash) > \(hashPath)")
                guard result.status == 0 else { throw fail("cannot write \(hashPath): \(result.stderr)") }
            }
        }
        board.update(label, plan.upToDate ? "up (set-up unchanged)" : "up")
        log.note("done")
        return plan.upToDate
    }

    func capture(_ line: String) throws(LaunchError) -> (status: Int32, stdout: String, stderr: String) {
        let ssh = try connect()
        do {
            return try ssh.capture(line)
        } catch {
            throw fail(error.description)
        }
    }

    /// Runs a configured command, its output into the log; a non-zero exit names the key.
    func run(_ command: ConfiguredCommand, line: String) throws(LaunchError) {
        log.note("$ \(command.text)   [\(command.key)]")
        log.clearTail()
        let ssh = try connect()
        let status: Int32
        do {
            status = try ssh.run(line) { chunk in
                switch chunk {
                case .stdout(let data), .stderr(let data): self.log.output(data)
                }
            }
        } catch {
            throw fail("\(command.key) `\(command.text)`: \(error.description)")
        }
        log.note("exit status \(status)")
        guard status == 0 else {
            let detail = log.lastLine().map { " (\($0))" } ?? ""
            board.update(label, "failed: \(command.key) exited \(status)")
            throw fail(
                "\(context.configPath): \(command.key) `\(command.text)` exited \(status)\(detail); log: \(log.path)")
        }
    }

    /// A docker command on the host; its output goes to the log.
    func runHost(_ line: String, what: String) throws(LaunchError) -> String {
        log.note("$ \(line)")
        let result = try capture(commands.host(line))
        log.output(Data((result.stdout + result.stderr).utf8))
        guard result.status == 0 else {
            board.update(label, "failed: \(what)")
            throw fail(
                "\(what) failed with exit \(result.status) (\(result.stderr.split(separator: "\n").last ?? "")); log: \(log.path)"
            )
        }
        return result.stdout
    }

    /// Ray's run_init: pull, start the container unless it runs, learn its home directory.
    func startContainer() throws(LaunchError) {
        guard let docker = commands.docker else { return }
        _ = try runHost(docker.pull, what: "docker pull \(docker.image)")
        let running = DockerCommands.isRunning(checkOutput: try runHost(docker.checkRunning, what: "docker inspect"))
        if running {
            let home = try runHost(
                "\(docker.docker.command) exec \(docker.docker.containerName) printenv HOME",
                what: "docker exec printenv HOME")
            containerHome =
                home.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                ? "/root" : home.trimmingCharacters(in: .whitespacesAndNewlines)
            log.note("container \(docker.docker.containerName) already runs; home \(containerHome)")
            return
        }
        containerHome = DockerCommands.home(
            fromImageEnvironment: try runHost(docker.imageEnvironment, what: "docker inspect image"))
        let mounts = context.config.fileMounts.map(\.remote) + [NodeCommands.growDirectory]
        _ = try runHost(docker.run(mounts: mounts, homeDirectory: containerHome), what: "docker run")
    }

    /// Uploads what changed (size or modification time differ), creating folders first.
    func sync(_ uploads: NodeUploads) throws(LaunchError) {
        let ssh = try connect()
        let resolve = { (remote: String) -> String in
            let staged = self.commands.uploadPath(forRemote: remote)
            return staged.hasPrefix("~/") ? self.home + staged.dropFirst(1) : staged
        }
        var sent = 0
        var skipped = 0
        do {
            try ssh.makeDirectories(uploads.directories.map(resolve))
            _ = try ssh.capture("chmod 700 \(quoteForShell(resolve(NodeCommands.growDirectory)))")
            for item in uploads.items(for: node.role) {
                let path = resolve(item.remote)
                let mode = item.mode ?? item.file.mode
                if let remote = try ssh.stat(path), remote.size == item.file.size,
                    remote.modified == item.file.modified,
                    remote.permissions == UInt32(mode & 0o7777)
                {
                    skipped += 1
                    continue
                }
                board.update(label, "file mounts: \(item.remote)")
                try ssh.upload(from: item.file.url, to: path, mode: mode, modified: item.file.modified)
                sent += 1
            }
            try ssh.upload(
                Data((context.tokenSecret + "\n").utf8), to: resolve(NodeCommands.growDirectory + "/token"), mode: 0o600
            )
        } catch {
            throw fail("file mounts: \(error.description)")
        }
        log.note("file mounts: \(sent) sent, \(skipped) unchanged, token written (0600)")
    }

    /// `down` on this node: grow's processes stopped (and the container).
    package func stop() throws(LaunchError) {
        _ = try connect()
        board.update(label, "stopping")
        for line in commands.stopCommands {
            log.note("$ \(line)")
            let result = try capture(line)
            log.output(Data((result.stdout + result.stderr).utf8))
            guard result.status == 0 else {
                board.update(label, "failed to stop")
                throw fail(
                    "`\(line)` exited \(result.status) (\(result.stderr.split(separator: "\n").last ?? "")); log: \(log.path)"
                )
            }
        }
        board.update(label, "stopped")
    }

    /// A command on the node (in its container when there is one), output streamed to `output`.
    package func execute(_ command: String, output: (CommandOutput) -> Void) throws(LaunchError) -> Int32 {
        let ssh = try connect()
        if let docker = commands.docker {
            let home =
                (try? ssh.capture(
                    commands.host("\(docker.docker.command) exec \(docker.docker.containerName) printenv HOME")
                ).stdout)
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
            containerHome = home.isEmpty ? "/root" : home
        }
        do {
            return try ssh.run(commands.inNode(command, containerHome: containerHome), output: output)
        } catch {
            throw fail(error.description)
        }
    }

    /// The node's home directory as seen by commands (the container's when there is one).
    package var commandHome: String { commands.docker == nil ? home : containerHome }
    package var hostHome: String { home }
}

extension NodeRunner {
    /// `attach`: a login shell on the node, or in its container.
    package func attach() throws(LaunchError) -> Int32 {
        let ssh = try connect()
        let command = commands.docker.map { commands.host($0.attachShell) }
        do {
            return try ssh.interactive(command: command)
        } catch {
            throw fail(error.description)
        }
    }

    /// Uploads `data` to `path` under the node's grow folder (staged for the container when
    /// there is one); returns the path as commands on the node see it.
    package func uploadToGrowFolder(_ data: Data, name: String, mode: Int32 = 0o600) throws(LaunchError) -> String {
        let ssh = try connect()
        let relative = NodeCommands.growDirectory + "/" + name
        let staged = commands.uploadPath(forRemote: relative)
        let hostPath = staged.hasPrefix("~/") ? hostHome + staged.dropFirst(1) : staged
        do {
            try ssh.makeDirectories([(hostPath as NSString).deletingLastPathComponent])
            try ssh.upload(data, to: hostPath, mode: mode)
        } catch {
            throw fail("uploading \(name): \(error.description)")
        }
        return commands.docker == nil ? hostPath : "\(commandHome)/.grow/\(name)"
    }
}

extension NodeRunner {
    /// `dashboard`: carries connections accepted on `listener` to the node's `remotePort` on its
    /// loopback (where the head's dashboard listens) until `stop` says so.
    package func forward(
        listener: Int32, remotePort: Int, stop: () -> Bool, onConnection: (String) -> Void
    ) throws(LaunchError) {
        let ssh = try connect()
        do {
            try ssh.forward(
                listener: listener, remoteHost: "127.0.0.1", remotePort: remotePort, stop: stop,
                onConnection: onConnection)
        } catch {
            throw fail(error.description)
        }
    }
}
