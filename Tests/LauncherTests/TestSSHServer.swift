import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// A real OpenSSH server for a test: its own config, host key, pid file and authorized_keys in a
/// temporary folder, on a port it picks, optionally inside a network namespace with its own home
/// directory bind-mounted over /root (all namespaces share one file system). Stopped by `stop()`
/// or when released.
final class TestSSHServer: @unchecked Sendable {
    let directory: URL
    let address: String
    private(set) var port: Int
    let userKey: URL
    let hostKey: URL
    let namespace: String?
    let home: URL?
    private var pid: pid_t = 0

    static func requireSSHD() throws {
        try requireRoot(for: "a test sshd logs in as root")
        try requirement("openssh-server (/usr/sbin/sshd)", available: isExecutable("/usr/sbin/sshd"))
        try requirement("openssh-client (/usr/bin/ssh-keygen)", available: isExecutable("/usr/bin/ssh-keygen"))
    }

    /// `userKey`: reuse a key (several hosts of one cluster accept the same key).
    init(
        directory: URL, address: String = "127.0.0.1", port: Int? = nil, userKey: URL? = nil, namespace: String? = nil,
        home: URL? = nil
    ) throws {
        try Self.requireSSHD()
        self.directory = directory
        self.address = address
        self.namespace = namespace
        self.home = home
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        hostKey = directory.appendingPathComponent("host_ed25519")
        try Self.keygen(type: "ed25519", at: hostKey)
        if let userKey {
            self.userKey = userKey
        } else {
            self.userKey = directory.appendingPathComponent("id_ed25519")
            try Self.keygen(type: "ed25519", at: self.userKey)
        }
        self.port = try port ?? freeLoopbackPort()
        try authorize(self.userKey)
    }

    deinit { stop() }

    static func keygen(type: String, at url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        try? FileManager.default.removeItem(at: url.appendingPathExtension("pub"))
        let result = try runProcess(
            "/usr/bin/ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "grow-test", "-f", url.path])
        guard result.status == 0 else { throw HarnessError("ssh-keygen -t \(type) failed: \(result.output)") }
    }

    /// Adds a public key to the server's authorized_keys.
    func authorize(_ key: URL) throws {
        let authorized = directory.appendingPathComponent("authorized_keys")
        let existing = (try? String(contentsOf: authorized, encoding: .utf8)) ?? ""
        let public_ = try String(contentsOf: key.appendingPathExtension("pub"), encoding: .utf8)
        try (existing + public_).write(to: authorized, atomically: true, encoding: .utf8)
    }

    func writeConfig() throws -> URL {
        let config = directory.appendingPathComponent("sshd_config")
        let text = """
            Port \(port)
            ListenAddress \(address)
            HostKey \(hostKey.path)
            PidFile \(directory.appendingPathComponent("sshd.pid").path)
            AuthorizedKeysFile \(directory.appendingPathComponent("authorized_keys").path)
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            LogLevel VERBOSE
            Subsystem sftp internal-sftp

            """
        try text.write(to: config, atomically: true, encoding: .utf8)
        return config
    }

    func start() throws {
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let config = try writeConfig()
        let sshd = "/usr/sbin/sshd -f \(config.path) -D -e"
        var arguments: [String] = []
        var command = sshd
        if let home {
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            command = "mount --bind \(home.path) /root && exec \(sshd)"
        }
        if let namespace { arguments += ["/usr/sbin/ip", "netns", "exec", namespace] }
        if home != nil {
            arguments += ["/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c", command]
        } else {
            arguments += command.split(separator: " ").map(String.init)
        }
        let logURL = directory.appendingPathComponent("sshd.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        // posix_spawn, not Foundation's Process: sshd closes the descriptors it inherits, which
        // Foundation takes for the child's exit (it then blocks in waitpid on a live sshd).
        pid = try Self.spawn(arguments, log: logURL.path)
        for _ in 0..<200 {
            if log().contains("Server listening") { return }
            if !isRunning { break }
            usleep(25_000)
        }
        throw HarnessError("sshd did not start: \(log())")
    }

    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
    }

    var isRunning: Bool {
        guard pid > 0 else { return false }
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// Starts `arguments` with stdout and stderr appended to `log`, stdin from /dev/null.
    static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, arguments[0], &actions, nil, &argv, environ)
        guard result == 0 else {
            throw HarnessError("cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return child
    }

    func log() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("sshd.log"), encoding: .utf8)) ?? ""
    }

    /// The host key line as known_hosts would hold it.
    func hostKeyType() throws -> String {
        try String(contentsOf: hostKey.appendingPathExtension("pub"), encoding: .utf8).split(separator: " ")[0]
            .description
    }
}
