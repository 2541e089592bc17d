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
        // An aws file that got past its checks would ask EC2 here, on loopback, never elsewhere.
        environment["AWS_ENDPOINT_URL_EC2"] = "http://127.0.0.1:9"
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
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

    /// An aws cluster file with `change` applied; `up` must stop at the file, before any EC2 call
    /// (no endpoint is reachable here, and none is asked).
    func awsYAML(_ key: String, _ change: (String) -> String = { $0 }) -> String {
        change(
            """
            cluster_name: bad
            max_workers: 4
            provider:
                type: aws
                region: eu-central-1
                availability_zone: eu-central-1a,eu-central-1b
            auth:
                ssh_user: ubuntu
                ssh_private_key: \(key)
            available_node_types:
                grow.head:
                    node_config:
                        InstanceType: m5.large
                        ImageId: ami-0123456789abcdef0
                grow.worker:
                    min_workers: 1
                    max_workers: 4
                    node_config:
                        InstanceType: c5.large
                        ImageId: ami-0123456789abcdef0
                        InstanceMarketOptions:
                            MarketType: spot
            head_node_type: grow.head
            """)
    }

    func testBadAWSFilesAreOneLineNamingFileAndLine() throws {
        let path = directory.appendingPathComponent("cluster.yaml").path
        let key = try key("ed25519")
        assertOneLine(
            try up(
                awsYAML(key) {
                    $0.replacingOccurrences(
                        of: "InstanceType: c5.large",
                        with: "InstanceType: c5.large\n            InstanceTypo: c5.xlarge")
                }),
            "grow-head: \(path):20: available_node_types.grow.worker.node_config.InstanceTypo: unknown node_config key: grow passes on InstanceType, ImageId, KeyName, SubnetIds, SecurityGroupIds, IamInstanceProfile, InstanceMarketOptions, BlockDeviceMappings, TagSpecifications, UserData, MetadataOptions"
        )
        assertOneLine(
            try up(
                awsYAML(key) {
                    $0.replacingOccurrences(
                        of: "InstanceType: m5.large\n            ImageId: ami-0123456789abcdef0\n",
                        with: "InstanceType: m5.large\n")
                }),
            "grow-head: \(path):12: available_node_types.grow.head.node_config: missing ImageId")
        assertOneLine(
            try up(
                awsYAML(key) {
                    $0.replacingOccurrences(
                        of: "min_workers: 1\n        max_workers: 4", with: "min_workers: 3\n        max_workers: 2")
                }),
            "grow-head: \(path):17: available_node_types.grow.worker.max_workers: is 2, less than min_workers (3)")
        assertOneLine(
            try up(
                awsYAML(key) {
                    $0.replacingOccurrences(of: "max_workers: 4\nprovider", with: "max_workers: 0\nprovider")
                }),
            "grow-head: \(path):2: max_workers: is 0 but the node types' min_workers add up to 1")
    }
}
