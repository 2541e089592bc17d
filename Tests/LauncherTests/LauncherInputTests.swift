import Foundation
import GrowTestSupport
import XCTest

/// `grow-head up` refuses bad input with one line naming the file and key, exit code 2, before
/// any connection.
final class LauncherInputTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        try PackagePaths.requireBinaries()
        directory = uniqueTemporaryURL("launch-input")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func up(_ yaml: String) throws -> (status: Int32, stderr: String) {
        let file = directory.appendingPathComponent("cluster.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory.path
        environment["GROW_TOKEN"] = nil
        let result = try captureProcess(PackagePaths.headBinary.path, ["up", file.path], environment: environment)
        return (result.status, result.stderr)
    }

    func yaml(key: String, provider: String? = nil) -> String {
        """
        cluster_name: bad
        \(provider ?? "provider:\n    type: local\n    head_ip: 10.0.0.1\n    worker_ips: [10.0.0.2]")
        auth:
            ssh_user: root
            ssh_private_key: \(key)
        """
    }

    func key(_ type: String) throws -> String {
        let url = directory.appendingPathComponent("id_\(type)")
        try TestSSHServer.keygen(type: type, at: url)
        return url.path
    }

    func assertOneLine(
        _ result: (status: Int32, stderr: String), _ expected: String, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertEqual(result.status, 2, result.stderr, file: file, line: line)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stderr, file: file, line: line)
        XCTAssertEqual(lines.first.map(String.init), expected, file: file, line: line)
    }

    func testMissingProvider() throws {
        let path = directory.appendingPathComponent("cluster.yaml").path
        assertOneLine(
            try up(yaml(key: try key("ed25519"), provider: "")),
            "grow-head: \(path): provider: missing: add a provider section (type: local with head_ip and worker_ips, or type: aws)"
        )
    }

    func testMalformedAddress() throws {
        let path = directory.appendingPathComponent("cluster.yaml").path
        assertOneLine(
            try up(
                yaml(
                    key: try key("ed25519"),
                    provider:
                        "provider:\n    type: local\n    head_ip: 10.0.0.1\n    worker_ips: [10.0.0.2, 10.0.0.256]")),
            "grow-head: \(path):5: provider.worker_ips[1]: \"10.0.0.256\" is not a valid IPv4 address (four numbers 0-255)"
        )
    }

    func testUnreadableKey() throws {
        let path = directory.appendingPathComponent("cluster.yaml").path
        assertOneLine(
            try up(yaml(key: "/nonexistent/id_ed25519")),
            "grow-head: \(path):8: auth.ssh_private_key: cannot read /nonexistent/id_ed25519 (no such file)")
    }

    func testRSAKeyIsRefusedWithTheReason() throws {
        let path = directory.appendingPathComponent("cluster.yaml").path
        let rsa = try key("rsa")
        assertOneLine(
            try up(yaml(key: rsa)),
            "grow-head: \(path):8: auth.ssh_private_key: \(rsa) is an RSA key: libssh2 1.10 signs RSA with SHA-1 (ssh-rsa), which OpenSSH 8.8 and newer refuse; use an ed25519 key (ssh-keygen -t ed25519)"
        )
    }

    func testAWSIsCheckedButNotLaunched() throws {
        let path = directory.appendingPathComponent("cluster.yaml").path
        assertOneLine(
            try up(yaml(key: try key("ed25519"), provider: "provider:\n    type: aws\n    region: eu-central-1")),
            "grow-head: \(path): provider.type: aws is parsed and checked, but launching EC2 instances is not implemented yet; `up` works with provider type local"
        )
    }
}
