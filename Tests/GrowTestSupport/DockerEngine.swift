import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A Docker engine of a test's own: Debian's `dockerd` (docker.io) with vfs storage, no bridge
/// and no iptables rules, its own data root, exec root, pid file and socket, in a private mount
/// namespace (the mounts it makes, such as its network namespace's bind mount, go away with it),
/// optionally inside a network namespace (`nsenter --net`: `ip netns exec` would remount /sys
/// and hide the cgroup mounts dockerd needs), so that `--net=host` containers share that
/// namespace's network. `stop()` removes its containers and stops it (and its containerd).
///
/// The client is the package's `/usr/bin/docker` (a /usr/local/bin/docker may be another
/// version); `docker(_:)` runs it against this engine, with the classic builder (Debian's
/// default, and the one that needs the Dockerfile's stage order) and a client config folder of
/// the engine's own (registry logins never land in the user's ~/.docker).
package final class DockerEngine {
    /// Debian's docker.io, or Docker CE's.
    package static let daemonPath =
        ["/usr/sbin/dockerd", "/usr/bin/dockerd"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? "/usr/sbin/dockerd"
    package static let clientPath = "/usr/bin/docker"

    package let name: String
    /// Exec root, socket, pid file, log and client config; removed by `stop()`.
    package let directory: URL
    package let dataRoot: URL
    package let namespace: String?
    private let keepDataRoot: Bool
    private var process: Process?
    private var lockDescriptor: Int32 = -1

    package var socket: String { directory.appendingPathComponent("docker.sock").path }
    package var host: String { "unix://\(socket)" }
    package var clientConfig: URL { directory.appendingPathComponent("client") }
    package var logPath: String { directory.appendingPathComponent("dockerd.log").path }
    /// Beside a kept data root: dockerd refuses to start while the process it names runs, so an
    /// engine left behind by a killed test process is never joined by a second one.
    var pidFile: String {
        keepDataRoot ? dataRoot.path + ".pid" : directory.appendingPathComponent("dockerd.pid").path
    }

    /// Requires dockerd and Debian's docker client (scripts/install-deps installs docker.io).
    package static func require(file: StaticString = #filePath, line: UInt = #line) throws {
        try requireRoot(for: "a Docker engine", file: file, line: line)
        try requirement(
            "dockerd (Debian's docker.io, or Docker CE)", available: isExecutable(daemonPath), file: file, line: line)
        try requirement(
            "the docker client in /usr/bin", available: isExecutable(clientPath), file: file, line: line)
        for tool in ["/usr/bin/unshare", "/usr/bin/nsenter"] {
            try requirement("util-linux (\(tool))", available: isExecutable(tool), file: file, line: line)
        }
    }

    /// Starts the engine and waits until it answers. `dataRoot`: a folder kept between runs
    /// (images and build cache survive; the engine holds an exclusive lock on it while it runs,
    /// so two test processes never share it at once); nil: a fresh one, removed by `stop()`.
    /// `insecureRegistries`: HOST:PORT of plain-HTTP registries it may log in to and pull from.
    package init(
        name: String, dataRoot: URL? = nil, namespace: String? = nil, insecureRegistries: [String] = []
    ) throws {
        try Self.require()
        self.name = name
        self.namespace = namespace
        // Short: containerd's socket lives under the exec root, and a socket path has 108 bytes.
        directory = URL(fileURLWithPath: "/tmp/gde-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        keepDataRoot = dataRoot != nil
        self.dataRoot = dataRoot ?? directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: clientConfig, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: self.dataRoot, withIntermediateDirectories: true)
        do {
            if keepDataRoot { try lockDataRoot() }
            try start(insecureRegistries: insecureRegistries)
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    private func lockDataRoot() throws {
        let path = dataRoot.path + ".lock"
        lockDescriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockDescriptor >= 0 else {
            throw HarnessError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        // Another test process using the same data root: wait for it to finish.
        guard flock(lockDescriptor, LOCK_EX) == 0 else {
            throw HarnessError("cannot lock \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func start(insecureRegistries: [String]) throws {
        // An empty daemon.json of its own: nothing from /etc/docker/daemon.json applies.
        let config = directory.appendingPathComponent("daemon.json")
        try "{}\n".write(to: config, atomically: true, encoding: .utf8)
        var arguments = [
            "--storage-driver=vfs", "--iptables=false", "--ip-masq=false", "--bridge=none",
            "--config-file", config.path,
            "--data-root", dataRoot.path, "--exec-root", directory.appendingPathComponent("exec").path,
            "--pidfile", pidFile, "-H", host,
        ]
        for registry in insecureRegistries { arguments += ["--insecure-registry", registry] }
        // nsenter and unshare exec what follows: the process is dockerd itself.
        var command = ["/usr/bin/unshare", "-m", "--propagation", "private", "--", Self.daemonPath] + arguments
        if let namespace { command = ["/usr/bin/nsenter", "--net=/run/netns/\(namespace)", "--"] + command }
        let process = try startLoggedProcess(command[0], Array(command.dropFirst()), logPath: logPath)
        self.process = process
        // A safety net only: an engine answers within seconds.
        let deadline = Date().addingTimeInterval(120)
        while (try? docker(["version", "--format", "{{.Server.Version}}"]).status) != 0 {
            guard process.isRunning, Date() < deadline else {
                throw HarnessError("dockerd \(name) did not come up: \(tail())")
            }
            usleep(100_000)
        }
    }

    /// Environment for a docker client (or a program that runs one) talking to this engine.
    package func clientEnvironment(
        _ base: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String: String] {
        var environment = base
        environment["DOCKER_HOST"] = host
        environment["DOCKER_CONFIG"] = clientConfig.path
        // The classic builder: Debian's default, and the one that builds every stage up to --target.
        environment["DOCKER_BUILDKIT"] = "0"
        environment["DOCKER_CONTEXT"] = nil
        return environment
    }

    /// Runs the docker client against this engine; `input` is its standard input, `environment`
    /// more variables for it (`docker run -e NAME` passes one on without its value on a command line).
    @discardableResult
    package func docker(_ arguments: [String], input: Data? = nil, environment: [String: String] = [:]) throws
        -> ProcessOutput
    {
        try captureProcess(
            Self.clientPath, arguments, environment: clientEnvironment().merging(environment) { $1 }, input: input)
    }

    /// `docker(_:)` that must succeed: its standard output, trimmed.
    @discardableResult
    package func run(_ arguments: [String], input: Data? = nil, environment: [String: String] = [:]) throws
        -> String
    {
        let result = try docker(arguments, input: input, environment: environment)
        guard result.status == 0 else {
            throw HarnessError(
                "docker \(arguments.prefix(3).joined(separator: " ")) failed (\(result.status)): \(result.stderr.suffix(2000))"
            )
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    package func tail() -> String {
        String(((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(1500))
    }

    /// Removes every container, stops the engine (SIGTERM, then SIGKILL after a generous wait),
    /// removes its folders (the data root only when it is the engine's own) and drops the lock.
    package func stop() {
        if let process, process.isRunning {
            let containers = (try? docker(["ps", "-aq"]).stdout) ?? ""
            let ids = containers.split(separator: "\n").map(String.init)
            if !ids.isEmpty { _ = try? docker(["rm", "-f"] + ids) }
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning, Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        process = nil
        if !keepDataRoot { try? FileManager.default.removeItem(at: dataRoot) }
        try? FileManager.default.removeItem(at: directory)
        if lockDescriptor >= 0 {
            flock(lockDescriptor, LOCK_UN)
            close(lockDescriptor)
            lockDescriptor = -1
        }
    }
}
