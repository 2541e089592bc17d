import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A Docker registry of the test's own: Debian's `docker-registry` (distribution 2.8) on
/// `host:port`, plain HTTP, with basic auth from an htpasswd file (bcrypt; the password goes to
/// htpasswd on its standard input, never on a command line). Images are kept in its folder.
/// `stop()` (or the end of the test) kills it and removes the folder.
package final class TestRegistry {
    package static let path = "/usr/bin/docker-registry"

    package let directory: URL
    package let host: String
    package let port: Int
    package var address: String { "\(host):\(port)" }
    private var process: Process?

    package init(host: String = "127.0.0.1", user: String, password: String) throws {
        try requirement(
            "Debian's docker-registry (\(Self.path))", available: isExecutable(Self.path))
        try requirement("htpasswd (apache2-utils)", available: isExecutable("/usr/bin/htpasswd"))
        self.host = host
        port = try freeLoopbackPort()
        directory = uniqueTemporaryURL("registry")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("storage"), withIntermediateDirectories: true)
        do {
            try writeConfiguration(user: user, password: password)
            try start()
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    private func writeConfiguration(user: String, password: String) throws {
        let hash = try captureProcess("/usr/bin/htpasswd", ["-niB", user], input: Data((password + "\n").utf8))
        guard hash.status == 0, hash.stdout.hasPrefix(user + ":$2") else {
            throw HarnessError("htpasswd failed (\(hash.status)): \(hash.stderr)")
        }
        let htpasswd = directory.appendingPathComponent("htpasswd")
        try hash.stdout.trimmingCharacters(in: .whitespacesAndNewlines).appending("\n").write(
            to: htpasswd, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: htpasswd.path)
        let config = """
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: \(directory.appendingPathComponent("storage").path)
              delete:
                enabled: true
            http:
              addr: \(address)
              secret: \(UUID().uuidString)
            auth:
              htpasswd:
                realm: grow-test-registry
                path: \(htpasswd.path)

            """
        try config.write(to: directory.appendingPathComponent("config.yml"), atomically: true, encoding: .utf8)
    }

    private func start() throws {
        let process = try startLoggedProcess(
            Self.path, ["serve", directory.appendingPathComponent("config.yml").path],
            logPath: directory.appendingPathComponent("registry.log").path)
        self.process = process
        let deadline = Date().addingTimeInterval(60)
        while !acceptsConnections(port: port, host: host) {
            guard process.isRunning, Date() < deadline else {
                throw HarnessError("docker-registry did not come up on \(address): \(log())")
            }
            usleep(50_000)
        }
    }

    package func log() -> String {
        let path = directory.appendingPathComponent("registry.log").path
        return String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(1500))
    }

    package func stop() {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        process = nil
        try? FileManager.default.removeItem(at: directory)
    }
}
