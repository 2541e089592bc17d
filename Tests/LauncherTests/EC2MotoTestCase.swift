import AWSCore
import Foundation
import GrowTestSupport
import Launcher
import LauncherRuntime
import XCTest

/// moto (signatures checked) with the fault proxy in front of it, and a cluster of two spot
/// worker types over two zones, for the tests of the EC2 node provider.
class EC2MotoTestCase: XCTestCase {
    var moto: MotoServer!
    var proxy: EC2FaultProxy!
    var directory: URL!

    override func setUpWithError() throws {
        moto = try MotoServer(name: name.filter { $0.isLetter })
        proxy = try EC2FaultProxy(moto: moto)
        directory = uniqueTemporaryURL("ec2-moto")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        proxy = nil
        moto = nil
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func clusterYAML(cacheStopped: Bool = false, extra: String = "") throws -> String {
        let key = directory.appendingPathComponent("id_ed25519")
        if !FileManager.default.fileExists(atPath: key.path) { try TestSSHServer.keygen(type: "ed25519", at: key) }
        return """
            cluster_name: grow-ec2
            max_workers: 6
            provider:
                type: aws
                region: us-east-1
                availability_zone: us-east-1a,us-east-1b
                cache_stopped_nodes: \(cacheStopped)
                use_internal_ips: true
                ssh_cidr: 203.0.113.0/24
            auth:
                ssh_user: ubuntu
                ssh_private_key: \(key.path)
            available_node_types:
                grow.head:
                    node_config:
                        InstanceType: m5.large
                        ImageId: ami-12c6146b
                grow.spot.c5:
                    min_workers: 1
                    max_workers: 3
                    node_config:
                        InstanceType: c5.large
                        ImageId: ami-12c6146b
                        InstanceMarketOptions: {MarketType: spot}
                grow.spot.m5:
                    max_workers: 3
                    node_config:
                        InstanceType: m5.large
                        ImageId: ami-12c6146b
                        InstanceMarketOptions: {MarketType: spot}
            head_node_type: grow.head
            \(extra)
            """
    }

    func provider(_ yaml: String, attempts: Int = 4) throws -> EC2NodeProvider {
        let config = try ClusterConfigParser.parse(yaml: yaml, file: "cluster.yaml").config
        let credentials = AWSCredentials(
            accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey, source: .environment)
        let ec2 = EC2Client(
            config: AWSServiceConfig(
                service: "ec2", region: "us-east-1", endpoint: proxy.url, credentials: .fixed(credentials),
                retry: RetryPolicy(maxAttempts: attempts, baseDelay: 0.05, maxDelay: 0.2)))
        return try EC2NodeProvider(config: config, ec2: ec2)
    }

    func publicKey() throws -> String {
        let text = try String(
            contentsOf: directory.appendingPathComponent("id_ed25519").appendingPathExtension("pub"), encoding: .utf8)
        return text.split(separator: " ").prefix(2).joined(separator: " ")
    }
}
