import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs grow's processes in the background on a node, the way `ray start`/`ray stop` manage
/// Ray's: what the start commands in cluster.yaml call.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract:
            "Start and stop grow processes in the background on this machine (used by cluster.yaml start commands).",
        discussion: """
            grow-head daemon start head -- grow-head start --port 6379
            grow-head daemon start worker -- grow-worker --address $GROW_HEAD_IP:6379
            grow-head daemon stop --all
            Pid files live in ~/.grow/run, logs in ~/.grow/logs.
            """,
        subcommands: [DaemonStartCommand.self, DaemonStopCommand.self, DaemonListCommand.self])
}

enum DaemonFiles {
    static var runDirectory: String { DefaultPaths.home + "/.grow/run" }
    static var logDirectory: String { DefaultPaths.home + "/.grow/logs" }
    static func pidFile(_ name: String) -> String { runDirectory + "/\(name).pid" }

    static func validate(_ name: String) throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw UserError("daemon name \"\(name)\" must be letters, digits, '-' or '_'")
        }
    }

    /// The pid in a pid file, when that process still runs the program the file names.
    static func runningPid(_ name: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: pidFile(name), encoding: .utf8) else { return nil }
        let parts = text.split(separator: " ", maxSplits: 1)
        guard let first = parts.first, let pid = pid_t(first), pid > 0, kill(pid, 0) == 0 else { return nil }
        let program = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        // A recycled pid running something else is not ours.
        let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        if !program.isEmpty, !cmdline.contains(program) { return nil }
        return pid
    }

    static func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: runDirectory)) ?? []).filter { $0.hasSuffix(".pid") }
            .map { String($0.dropLast(4)) }.sorted()
    }

    /// SIGTERM, then SIGKILL after `grace` seconds; true when it was running.
    @discardableResult
    static func stop(_ name: String, grace: Double) -> Bool {
        defer { try? FileManager.default.removeItem(atPath: pidFile(name)) }
        guard let pid = runningPid(name) else { return false }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while kill(pid, 0) == 0, Date() < deadline { usleep(50_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        while kill(pid, 0) == 0, Date() < deadline.addingTimeInterval(5) { usleep(20_000) }
        return true
    }
}

struct DaemonStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start COMMAND in the background as NAME (an old NAME is stopped first).")

    @Argument(help: "Name of the process (head, worker, ...).") var name: String
    @Argument(parsing: .postTerminator, help: "The command after --.") var command: [String] = []
    @Option(help: "Seconds to wait for the process to stay up (and for --wait-port).") var wait = 2.0
    @Option(help: "Also wait until this TCP port on 127.0.0.1 accepts connections.") var waitPort: Int?

    func run() async throws {
        try await reportingUserErrors {
            try DaemonFiles.validate(name)
            guard let program = command.first else { throw UserError("give the command after --") }
            let resolved = try Self.resolve(program)
            DaemonFiles.stop(name, grace: 10)
            for directory in [DaemonFiles.runDirectory, DaemonFiles.logDirectory] {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            let log = DaemonFiles.logDirectory + "/\(name).log"
            let pid = try Self.spawnDetached([resolved] + command.dropFirst(), log: log)
            try "\(pid) \(resolved)\n".write(toFile: DaemonFiles.pidFile(name), atomically: true, encoding: .utf8)
            let deadline = Date().addingTimeInterval(max(wait, 0.2))
            var listening = false
            while Date() < deadline {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    let tail = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
                        .suffix(3)
                    throw UserError(
                        "\(name) (\(program)) exited at once: \(tail.joined(separator: " | ")); log: \(log)")
                }
                if let port = waitPort, Self.accepts(port: port) {
                    listening = true
                    break
                }
                usleep(50_000)
            }
            if waitPort == nil { listening = true }
            guard listening else {
                throw UserError("\(name) does not listen on port \(waitPort ?? 0) after \(wait) s; log: \(log)")
            }
            print("\(name) running (pid \(pid)); log: \(log)")
        }
    }

    static func resolve(_ program: String) throws -> String {
        if program.contains("/") { return program }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw UserError("\(program): not found on PATH")
    }

    /// Starts the process in its own session (it outlives the SSH session that started it),
    /// stdin from /dev/null, stdout and stderr appended to `log`.
    static func spawnDetached(_ arguments: [String], log: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc 2.26+), which Swift does not import (it sits behind _GNU_SOURCE).
        posix_spawnattr_setflags(&attributes, 0x80)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
        guard result == 0 else { throw UserError("cannot start \(arguments[0]): \(String(cString: strerror(result)))") }
        return pid
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

struct DaemonStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop background processes by name (SIGTERM, SIGKILL after the grace).")

    @Argument(help: "Names to stop.") var names: [String] = []
    @Flag(help: "Stop every process started with `daemon start` (workers before the head).") var all = false
    @Option(help: "Seconds between SIGTERM and SIGKILL.") var grace = 15.0

    func run() async throws {
        try await reportingUserErrors {
            guard all || !names.isEmpty else { throw UserError("name the processes to stop, or --all") }
            var targets = all ? DaemonFiles.names() : names
            // The head tells its workers to stop on SIGTERM; stopping workers first keeps that quiet.
            targets.sort { ($0 == "head" ? 1 : 0) < ($1 == "head" ? 1 : 0) }
            for name in targets {
                try DaemonFiles.validate(name)
                print(DaemonFiles.stop(name, grace: grace) ? "\(name) stopped" : "\(name) was not running")
            }
        }
    }
}

struct DaemonListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List background processes.")

    func run() async throws {
        for name in DaemonFiles.names() {
            print("\(name)\t\(DaemonFiles.runningPid(name).map { "running (pid \($0))" } ?? "not running")")
        }
    }
}
