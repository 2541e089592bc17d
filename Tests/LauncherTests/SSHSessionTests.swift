import Foundation
import GrowTestSupport
import Launcher
import LauncherRuntime
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The libssh2 client against a real sshd on loopback.
final class SSHSessionTests: XCTestCase {
    var directory: URL!
    var server: TestSSHServer?

    override func setUpWithError() throws {
        try TestSSHServer.requireSSHD()
        directory = uniqueTemporaryURL("ssh")
    }

    override func tearDown() {
        server?.stop()
        server = nil
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func startServer() throws -> TestSSHServer {
        let server = try TestSSHServer(directory: directory.appendingPathComponent("server"))
        try server.start()
        self.server = server
        return server
    }

    func target(_ server: TestSSHServer, key: URL? = nil, policy: KnownHostsPolicy = .acceptNew) -> SSHTarget {
        SSHTarget(
            host: "127.0.0.1", port: server.port, user: "root", privateKey: (key ?? server.userKey).path,
            knownHostsFile: directory.appendingPathComponent("known_hosts").path, policy: policy)
    }

    /// libssh2 is not linked but dlopen()ed by the first connection: after one, this process maps it.
    func testASessionMapsLibssh2() throws {
        let ssh = try SSHSession.connect(target(try startServer()))
        XCTAssertEqual(try ssh.capture("echo loaded").stdout, "loaded\n")
        let libraries = try mappedLibraries(getpid())
        XCTAssertTrue(libraries.contains { $0.hasPrefix("libssh2.so") }, "SSH worked but is not mapped: \(libraries)")
    }

    func testCommandsShareOneSessionAndStreamBothOutputs() throws {
        let server = try startServer()
        let ssh = try SSHSession.connect(target(server))
        var chunks: [CommandOutput] = []
        let status = try ssh.run("echo out; echo err >&2; echo more; exit 3") { chunks.append($0) }
        XCTAssertEqual(status, 3)
        let out = chunks.compactMap {
            if case .stdout(let d) = $0 { return String(decoding: d, as: UTF8.self) } else { return nil }
        }.joined()
        let err = chunks.compactMap {
            if case .stderr(let d) = $0 { return String(decoding: d, as: UTF8.self) } else { return nil }
        }.joined()
        XCTAssertEqual(out, "out\nmore\n")
        XCTAssertEqual(err, "err\n")
        // The same connection serves the next commands: sshd logged one accepted key.
        for number in 0..<5 {
            XCTAssertEqual(try ssh.capture("echo \(number)").stdout, "\(number)\n")
        }
        XCTAssertEqual(try ssh.capture("cat", input: Data("piped".utf8)).stdout, "piped")
        XCTAssertEqual(try ssh.homeDirectory(), NSHomeDirectory())
        XCTAssertEqual(server.log().components(separatedBy: "Accepted publickey").count - 1, 1, server.log())
        // A big output crosses libssh2's window several times without stalling.
        let big = try ssh.capture("head -c 3000000 /dev/zero | tr '\\0' x; head -c 100000 /dev/zero | tr '\\0' y >&2")
        XCTAssertEqual(big.stdout.count, 3_000_000)
        XCTAssertEqual(big.stderr.count, 100_000)
    }

    func testHostKeyIsPinnedThenAChangedKeyIsRefused() throws {
        let server = try startServer()
        XCTAssertThrowsError(try SSHSession.connect(target(server, policy: .strict))) { error in
            XCTAssertTrue("\(error)".contains("not in") && "\(error)".contains("strict"), "\(error)")
        }
        _ = try SSHSession.connect(target(server))
        let pinned = try String(contentsOf: directory.appendingPathComponent("known_hosts"), encoding: .utf8)
        XCTAssertTrue(pinned.hasPrefix("[127.0.0.1]:\(server.port) ssh-ed25519 "), pinned)
        XCTAssertEqual(
            try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("known_hosts").path)[
                .posixPermissions] as? Int, 0o600)
        _ = try SSHSession.connect(target(server, policy: .strict))
        // Same address and port, new host key: refused, and nothing retries it.
        server.stop()
        try TestSSHServer.keygen(type: "ed25519", at: server.hostKey)
        try server.start()
        XCTAssertThrowsError(try SSHSession.connect(target(server))) { error in
            XCTAssertEqual((error as? SSHError)?.kind, .refused)
            XCTAssertTrue("\(error)".contains("host key differs"), "\(error)")
        }
    }

    func testECDSAKeyLogsIn() throws {
        let server = try startServer()
        let ecdsa = directory.appendingPathComponent("id_ecdsa")
        try TestSSHServer.keygen(type: "ecdsa", at: ecdsa)
        try server.authorize(ecdsa)
        XCTAssertEqual(PrivateKeyKind.inspect(try String(contentsOf: ecdsa, encoding: .utf8)), .ecdsa)
        XCTAssertEqual(try SSHSession.connect(target(server, key: ecdsa)).capture("echo ok").stdout, "ok\n")
    }

    func testKeyKindsAreRecognised() throws {
        for (type, kind) in [("ed25519", PrivateKeyKind.ed25519), ("rsa", .rsa), ("ecdsa", .ecdsa)] {
            let key = directory.appendingPathComponent("id_\(type)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try TestSSHServer.keygen(type: type, at: key)
            XCTAssertEqual(PrivateKeyKind.inspect(try String(contentsOf: key, encoding: .utf8)), kind, type)
        }
        XCTAssertEqual(PrivateKeyKind.inspect("hello"), .notAKey)
        XCTAssertTrue(PrivateKeyKind.rsa.problem?.contains("SHA-1") == true)
    }

    func testUnknownKeyIsRefusedWithoutRetry() throws {
        let server = try startServer()
        let stranger = directory.appendingPathComponent("id_stranger")
        try TestSSHServer.keygen(type: "ed25519", at: stranger)
        let started = Date()
        XCTAssertThrowsError(
            try SSHSession.connectWaiting(target(server, key: stranger), deadline: Date().addingTimeInterval(60))
        ) { error in
            XCTAssertEqual((error as? SSHError)?.kind, .refused)
            XCTAssertTrue("\(error)".contains("refused the key"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "a refused key is not retried until the deadline")
    }

    func testWaitsForANodeThatIsStillBooting() throws {
        let server = try TestSSHServer(directory: directory.appendingPathComponent("server"))
        self.server = server
        // Nothing listens yet: connection refused → retry with backoff.
        XCTAssertThrowsError(try SSHSession.connect(target(server))) { error in
            XCTAssertEqual((error as? SSHError)?.kind, .unreachable)
        }
        let starter = Thread {
            usleep(1_500_000)
            try? server.start()
        }
        starter.start()
        var retries = 0
        let ssh = try SSHSession.connectWaiting(target(server), deadline: Date().addingTimeInterval(60)) { _, _ in
            retries += 1
        }
        XCTAssertGreaterThan(retries, 0)
        XCTAssertEqual(try ssh.capture("echo up").stdout, "up\n")
        // And one that never comes gives up at its deadline with a clear reason.
        let closed = SSHTarget(
            host: "127.0.0.1", port: try freeLoopbackPort(), user: "root", privateKey: server.userKey.path,
            knownHostsFile: directory.appendingPathComponent("known_hosts").path, policy: .acceptNew)
        XCTAssertThrowsError(try SSHSession.connectWaiting(closed, deadline: Date().addingTimeInterval(1))) { error in
            XCTAssertTrue("\(error)".contains("cannot connect") && "\(error)".contains("gave up"), "\(error)")
        }
    }

    func testUploadsKeepModeAndTime() throws {
        let server = try startServer()
        let ssh = try SSHSession.connect(target(server))
        let local = directory.appendingPathComponent("payload.bin")
        let bytes = Data((0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: local)
        let remoteDirectory = directory.appendingPathComponent("remote/a/b").path
        try ssh.makeDirectories([remoteDirectory])
        let remote = remoteDirectory + "/payload.bin"
        try ssh.upload(from: local, to: remote, mode: 0o755, modified: 1_700_000_000)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: remote)), bytes)
        let info = try XCTUnwrap(try ssh.stat(remote))
        XCTAssertEqual(info, RemoteFileInfo(size: 700_000, modified: 1_700_000_000, permissions: 0o755))
        // Replacing an existing file (even one being executed) goes through a rename.
        try ssh.upload(Data("secret".utf8), to: remote, mode: 0o600)
        XCTAssertEqual(try String(contentsOfFile: remote, encoding: .utf8), "secret")
        XCTAssertEqual(try ssh.stat(remote)?.permissions, 0o600)
        XCTAssertNil(try ssh.stat(remoteDirectory + "/missing"))
    }
}
