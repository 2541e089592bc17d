import AWSCore
import Foundation
import GrowTestSupport
import Launcher
import LauncherRuntime
import Synchronization
import XCTest

/// The EC2 node provider against moto (signatures checked), with a proxy in front of it that
/// refuses launches the way AWS does when it has no capacity, throttles, or hits a quota.
final class EC2ProviderMotoTests: EC2MotoTestCase {
    func testBootstrapMakesKeyPairGroupAndOrdersSubnetsOnce() throws {
        let provider = try provider(try clusterYAML())
        let network = try provider.bootstrap(publicKey: try publicKey())
        XCTAssertEqual(network.subnets["grow.head"]?.map(\.zone), ["us-east-1a", "us-east-1b"])
        let keyName = try XCTUnwrap(network.keyName)
        XCTAssertTrue(keyName.hasPrefix("grow-grow-ec2-us-east-1-"), keyName)
        XCTAssertEqual(try provider.ec2.describeKeyPairs(names: [keyName]).count, 1)
        let group = try XCTUnwrap(provider.ec2.describeSecurityGroups(ids: network.securityGroupIDs).first)
        XCTAssertEqual(group.name, "grow-grow-ec2")
        XCTAssertTrue(group.inbound.contains { $0.covers(EC2Permission(ipProtocol: "-1", groupIDs: [group.id])) })
        XCTAssertTrue(
            group.inbound.contains {
                $0.covers(EC2Permission(ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["203.0.113.0/24"]))
            })
        XCTAssertFalse(
            group.inbound.contains { $0.cidrs.contains("0.0.0.0/0") }, "nothing, 6379 included, open to everyone")
        // A second up finds them all and makes nothing new.
        let again = try provider.bootstrap(publicKey: try publicKey())
        XCTAssertEqual(again, network)
        let made = proxy.seen().map(\.action).filter { ["CreateSecurityGroup", "ImportKeyPair"].contains($0) }
        XCTAssertEqual(made, ["CreateSecurityGroup", "ImportKeyPair"])
    }

    func testALaunchRefusedInTheFirstZoneLandsInTheSecond() throws {
        let provider = try provider(try clusterYAML())
        let network = try provider.bootstrap(publicKey: try publicKey())
        let first = try XCTUnwrap(network.subnets["grow.spot.c5"]?.first)
        try proxy.setRules([
            .init(
                action: "RunInstances", matching: ["SubnetId": first.id], code: "InsufficientInstanceCapacity",
                status: 500)
        ])
        var planner = EC2LaunchPlanner(typeOrder: ["grow.spot.c5", "grow.spot.m5"], subnets: network.subnets)
        let launched = try provider.launch(
            typeName: "grow.spot.c5", kind: .worker, count: 2, network: network, planner: &planner)
        XCTAssertEqual(launched.count, 2)
        XCTAssertEqual(Set(launched.map(\.zone)), ["us-east-1b"])
        let running = try provider.waitUntilRunning(launched.map(\.id))
        XCTAssertTrue(running.allSatisfy { $0.state == "running" && $0.privateIP != nil })
        let found = try provider.instances(kind: .worker)
        XCTAssertEqual(Set(found.map(\.id)), Set(launched.map(\.id)), "found by tags only")
        for instance in found {
            XCTAssertEqual(instance.tags["grow-cluster-name"], "grow-ec2")
            XCTAssertEqual(instance.tags["grow-node-kind"], "worker")
            XCTAssertEqual(instance.tags["grow-node-type"], "grow.spot.c5")
            XCTAssertEqual(instance.tags["Name"], "grow-grow-ec2-worker")
            XCTAssertNotNil(instance.tags["grow-launch-hash"])
            XCTAssertTrue(instance.isSpot)
            XCTAssertEqual(instance.type, "c5.large")
        }
        let launches = proxy.seen().filter { $0.action == "RunInstances" }
        XCTAssertEqual(launches.map(\.injected), ["InsufficientInstanceCapacity", nil])
        XCTAssertEqual(launches.map { $0.parameters["SubnetId"] }, [first.id, network.subnets["grow.spot.c5"]?[1].id])
    }

    func testARefusedSpotTypeFallsBackToTheNextType() throws {
        let provider = try provider(try clusterYAML())
        let network = try provider.bootstrap(publicKey: try publicKey())
        try proxy.setRules([
            .init(
                action: "RunInstances", matching: ["InstanceType": "c5.large"], code: "SpotMaxPriceTooLow", status: 400)
        ])
        var planner = EC2LaunchPlanner(typeOrder: ["grow.spot.c5", "grow.spot.m5"], subnets: network.subnets)
        let launched = try provider.launch(
            typeName: "grow.spot.c5", kind: .worker, count: 1, network: network, planner: &planner)
        XCTAssertEqual(launched.map(\.type), ["m5.large"])
        XCTAssertEqual(launched.first?.tags["grow-node-type"], "grow.spot.m5")
        XCTAssertEqual(launched.first?.zone, "us-east-1a", "the stand-in starts in the first zone again")
        let launches = proxy.seen().filter { $0.action == "RunInstances" }
        XCTAssertEqual(
            launches.map { "\($0.parameters["InstanceType"] ?? "") \($0.injected ?? "ok")" },
            ["c5.large SpotMaxPriceTooLow", "c5.large SpotMaxPriceTooLow", "m5.large ok"])
        XCTAssertTrue(planner.isSetAside("grow.spot.c5", now: Date().timeIntervalSince1970))
        // While c5 is set aside, the next worker goes straight to m5.
        _ = try provider.launch(typeName: "grow.spot.c5", kind: .worker, count: 1, network: network, planner: &planner)
        XCTAssertEqual(proxy.seen().filter { $0.action == "RunInstances" }.count, 4)
    }

    func testThrottledLaunchesBackOffAndSucceed() throws {
        let provider = try provider(try clusterYAML(), attempts: 2)
        let network = try provider.bootstrap(publicKey: try publicKey())
        try proxy.setRules([.init(action: "RunInstances", code: "RequestLimitExceeded", status: 503, times: 3)])
        var planner = EC2LaunchPlanner(
            typeOrder: ["grow.spot.c5", "grow.spot.m5"], subnets: network.subnets, backoffBase: 0.2)
        let launched = try provider.launch(
            typeName: "grow.spot.c5", kind: .worker, count: 1, network: network, planner: &planner)
        XCTAssertEqual(launched.first?.type, "c5.large")
        XCTAssertEqual(launched.first?.zone, "us-east-1a", "throttling is no reason to leave the zone")
        let launches = proxy.seen().filter { $0.action == "RunInstances" }
        XCTAssertEqual(
            launches.map(\.injected), ["RequestLimitExceeded", "RequestLimitExceeded", "RequestLimitExceeded", nil])
    }

    func testAQuotaStopsWithOneLine() throws {
        let provider = try provider(try clusterYAML())
        let network = try provider.bootstrap(publicKey: try publicKey())
        try proxy.setRules([.init(action: "RunInstances", code: "VcpuLimitExceeded", status: 400)])
        var planner = EC2LaunchPlanner(typeOrder: ["grow.spot.c5", "grow.spot.m5"], subnets: network.subnets)
        XCTAssertThrowsError(
            try provider.launch(typeName: "grow.spot.c5", kind: .worker, count: 1, network: network, planner: &planner)
        ) { error in
            XCTAssertEqual(
                "\(error)",
                "cluster.yaml: grow.spot.c5: an EC2 limit of the account is reached (VcpuLimitExceeded): ec2 RunInstances at \(self.proxy.url): injected by the test proxy (400 VcpuLimitExceeded); ask AWS for a higher limit (Service Quotas) or lower max_workers"
            )
        }
        XCTAssertEqual(proxy.seen().filter { $0.action == "RunInstances" }.count, 1)
    }

    /// `grow-head down` as a user runs it: every instance of the cluster, found by its tags, is
    /// terminated; another cluster's are left alone; with cache_stopped_nodes the on-demand head
    /// is stopped instead.
    func testDownTerminatesByTagsOnly() throws {
        try PackagePaths.requireBinaries()
        for cacheStopped in [false, true] {
            let yaml = try clusterYAML(cacheStopped: cacheStopped)
            let provider = try provider(yaml)
            let network = try provider.bootstrap(publicKey: try publicKey())
            var headPlanner = EC2LaunchPlanner(typeOrder: ["grow.head"], subnets: network.subnets)
            let head = try provider.launch(
                typeName: "grow.head", kind: .head, count: 1, network: network, planner: &headPlanner)
            XCTAssertFalse(head[0].isSpot, "the head runs on-demand")
            var planner = EC2LaunchPlanner(typeOrder: ["grow.spot.c5", "grow.spot.m5"], subnets: network.subnets)
            let workers = try provider.launch(
                typeName: "grow.spot.c5", kind: .worker, count: 2, network: network, planner: &planner)
            let other = try provider.ec2.runInstances([
                ("ImageId", "ami-12c6146b"), ("InstanceType", "t3.micro"), ("MinCount", "1"), ("MaxCount", "1"),
                ("TagSpecification.1.ResourceType", "instance"), ("TagSpecification.1.Tag.1.Key", "grow-cluster-name"),
                ("TagSpecification.1.Tag.1.Value", "someone-else"),
            ])
            let file = directory.appendingPathComponent("cluster.yaml")
            try yaml.write(to: file, atomically: true, encoding: .utf8)
            var environment = moto.awsEnvironment()
            environment["AWS_ENDPOINT_URL_EC2"] = proxy.url
            environment["AWS_EC2_METADATA_DISABLED"] = "true"
            environment["HOME"] = directory.path
            environment["GROW_TOKEN"] = String(repeating: "7f", count: 32)
            let result = try captureProcess(
                PackagePaths.headBinary.path, ["down", file.path], environment: environment)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(
                (result.stdout + result.stderr).contains(
                    "grow-ec2: \(cacheStopped ? 2 : 3) instance(s) terminated, \(cacheStopped ? 1 : 0) stopped"),
                result.stdout + result.stderr)
            let states = Dictionary(
                uniqueKeysWithValues: try provider.ec2.describeInstances(
                    ids: head.map(\.id) + workers.map(\.id) + other.map(\.id)
                )
                .map { ($0.id, $0.state) })
            for worker in workers { XCTAssertEqual(states[worker.id], "terminated") }
            XCTAssertEqual(states[head[0].id], cacheStopped ? "stopped" : "terminated")
            XCTAssertEqual(states[other[0].id], "running", "another cluster's instance stays")
            XCTAssertEqual(try provider.instances().filter { $0.state != "stopped" }, [])
            if cacheStopped { try provider.terminate(head.map(\.id)) }
            try provider.terminate(other.map(\.id))
        }
    }
}
