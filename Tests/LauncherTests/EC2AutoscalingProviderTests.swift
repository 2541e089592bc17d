import AWSCore
import Autoscaler
import Foundation
import GrowTestSupport
import Launcher
import LauncherRuntime
import XCTest

/// The EC2 provider behind the autoscaler's protocol, against moto (signatures checked) with the
/// fault proxy in front: the autoscaler's own directives carried out on EC2.
final class EC2AutoscalingProviderTests: XCTestCase {
    var moto: MotoServer!
    var proxy: EC2FaultProxy!
    var directory: URL!

    override func setUpWithError() throws {
        moto = try MotoServer(name: name.filter { $0.isLetter })
        proxy = try EC2FaultProxy(moto: moto)
        directory = uniqueTemporaryURL("ec2-autoscaling")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        proxy = nil
        moto = nil
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Two spot worker types over two zones, as EC2ProviderMotoTests' cluster.
    func adapter(cacheStopped: Bool = false) throws -> EC2AutoscalingProvider {
        let key = directory.appendingPathComponent("id_ed25519")
        try TestSSHServer.keygen(type: "ed25519", at: key)
        let yaml = """
            cluster_name: grow-autoscale
            max_workers: 6
            provider:
                type: aws
                region: us-east-1
                availability_zone: us-east-1a,us-east-1b
                cache_stopped_nodes: \(cacheStopped)
                use_internal_ips: true
            auth:
                ssh_user: ubuntu
                ssh_private_key: \(key.path)
            available_node_types:
                grow.head:
                    node_config:
                        InstanceType: m5.large
                        ImageId: ami-12c6146b
                grow.spot.c5:
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
            """
        let config = try ClusterConfigParser.parse(yaml: yaml, file: "cluster.yaml").config
        let credentials = AWSCredentials(
            accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey, source: .environment)
        let ec2 = EC2Client(
            config: AWSServiceConfig(
                service: "ec2", region: "us-east-1", endpoint: proxy.url, credentials: .fixed(credentials),
                retry: RetryPolicy(maxAttempts: 4, baseDelay: 0.05, maxDelay: 0.2)))
        let provider = try EC2NodeProvider(config: config, ec2: ec2)
        let publicKey = try String(contentsOf: key.appendingPathExtension("pub"), encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        return EC2AutoscalingProvider(provider: provider, network: try provider.bootstrap(publicKey: publicKey))
    }

    func testTheAutoscalersLaunchesListsAndTerminatesGoToEC2ByTags() throws {
        let ec2 = try adapter()
        var autoscaler = Autoscaler(
            config: AutoscalerConfig(
                nodeTypes: [NodeTypeSpec(name: "grow.spot.c5", maxWorkers: 3, slots: 2)], idleTimeoutMs: 1000))
        _ = autoscaler.handle(.listed(try ec2.list()), now: 0)
        let directives = autoscaler.handle(.load(waiting: 4, running: 0), now: 0)
        guard case .launch(let request, let type, let count)? = directives.first else {
            return XCTFail("\(directives)")
        }
        XCTAssertEqual([type, "\(count)"], ["grow.spot.c5", "2"])
        let nodes = try ec2.launch(nodeType: type, count: count)
        XCTAssertEqual(nodes.count, 2)
        XCTAssertTrue(nodes.allSatisfy { $0.nodeType == "grow.spot.c5" && $0.market == .spot && $0.isAlive })
        _ = autoscaler.handle(.launched(request: request, nodes: nodes), now: 1)
        XCTAssertEqual(Set(try ec2.list().map(\.id)), Set(nodes.map(\.id)), "found by tags")

        // Both workers join and idle: one is drained and, once gone, terminated on EC2.
        for node in nodes {
            _ = autoscaler.handle(.workerJoined(worker: "w-\(node.id)", node: node.id, slots: 2), now: 2)
        }
        _ = autoscaler.handle(.load(waiting: 0, running: 0), now: 3)
        let drained = autoscaler.handle(.tick, now: 2000).compactMap { directive -> String? in
            if case .drain(let worker, _) = directive { return worker }
            return nil
        }
        XCTAssertEqual(drained.count, 2)
        let gone = autoscaler.handle(.workerLeft(worker: drained[0]), now: 2001)
        guard case .terminate(let id)? = gone.first(where: { if case .terminate = $0 { true } else { false } }) else {
            return XCTFail("\(gone)")
        }
        try ec2.terminate(id)
        XCTAssertEqual(try ec2.list().map(\.id), nodes.map(\.id).filter { $0 != id })
    }

    func testARefusedTypeIsALaunchFailureSoTheAutoscalerTriesTheNextType() throws {
        let ec2 = try adapter()
        try proxy.setRules([
            .init(
                action: "RunInstances", matching: ["InstanceType": "c5.large"], code: "InsufficientInstanceCapacity",
                status: 500)
        ])
        XCTAssertThrowsError(try ec2.launch(nodeType: "grow.spot.c5", count: 1)) { error in
            XCTAssertEqual((error as? LaunchFailure)?.kind, .other)
            XCTAssertTrue("\(error)".contains("InsufficientInstanceCapacity"), "\(error)")
        }
        let launches = proxy.seen().filter { $0.action == "RunInstances" }
        XCTAssertEqual(
            launches.map { $0.parameters["InstanceType"] ?? "" }, ["c5.large", "c5.large"],
            "both zones tried, not the next type: that is the autoscaler's decision")
        XCTAssertEqual(try ec2.launch(nodeType: "grow.spot.m5", count: 1).map(\.nodeType), ["grow.spot.m5"])
    }

    func testWithCacheStoppedNodesAStoppedWorkerIsStartedAgainFirst() throws {
        let ec2 = try adapter(cacheStopped: true)
        let first = try ec2.launch(nodeType: "grow.spot.m5", count: 1)
        XCTAssertEqual(first.count, 1)
        try ec2.stop(first[0].id)
        XCTAssertEqual(try ec2.list().first?.state, .stopped)
        let again = try ec2.launch(nodeType: "grow.spot.m5", count: 2)
        XCTAssertEqual(again.map(\.id).first, first[0].id, "the stopped one first")
        XCTAssertEqual(again.count, 2)
        XCTAssertEqual(try ec2.list().count, 2)
    }
}
