import AWSCore
import Foundation
import GrowTestSupport
import Launcher
import LauncherRuntime
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// `grow-head up` on a `provider: type: aws` file against moto: it bootstraps the network,
/// launches the on-demand head and two spot workers, and sets them up over SSH. The test turns
/// each instance moto starts into a host: a network namespace on a bridge of the default VPC's
/// range (172.31.0.0/16, so no packet for it leaves this machine) with the instance's private
/// address and an sshd. Then `status`, a second `up` that launches nothing, and `down`.
final class EC2ClusterUpTests: XCTestCase {
    var cluster: TestCluster?
    var moto: MotoServer?

    override func tearDown() {
        cluster?.tearDown()
        cluster = nil
        moto = nil
    }

    func testUpLaunchesHeadAndSpotWorkersAndSetsThemUp() throws {
        let moto = try MotoServer(name: "ec2up")
        self.moto = moto
        let proxy = try EC2FaultProxy(moto: moto)
        let cluster = try TestCluster(name: "ec2", bridgeAddress: "172.31.255.254/16")
        self.cluster = cluster
        let yaml = """
            cluster_name: grow-ec2-up
            max_workers: 4
            provider:
                type: aws
                region: us-east-1
                availability_zone: us-east-1a
                use_internal_ips: true
                cache_stopped_nodes: false
            auth:
                ssh_user: root
                ssh_private_key: \(cluster.key.path)
                ssh_port: \(cluster.port)
            available_node_types:
                grow.head:
                    node_config: {InstanceType: m5.large, ImageId: ami-12c6146b}
                grow.spot:
                    min_workers: 2
                    max_workers: 4
                    node_config:
                        InstanceType: c5.large
                        ImageId: ami-12c6146b
                        InstanceMarketOptions: {MarketType: spot}
            head_node_type: grow.head
            setup_commands:
                - echo "set up with GROW_HEAD_IP=${GROW_HEAD_IP:-none}" >> ~/setup-ran.txt
            head_start_commands:
                - grow-head daemon stop --all
                - grow-head daemon start head --wait-port 6379 --wait 30 -- grow-head start --port 6379
            worker_start_commands:
                - grow-head daemon stop --all
                - grow-head daemon start worker -- grow-worker --address $GROW_HEAD_IP:6379 --slots 2
            """
        let file = try cluster.writeCluster(yaml)
        var environment = moto.awsEnvironment()
        environment["AWS_ENDPOINT_URL_EC2"] = proxy.url
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment["HOME"] = cluster.localHome.path
        environment["GROW_TOKEN"] = nil
        environment["GROW_TOKEN_FILE"] = nil

        let ec2 = EC2Client(
            config: AWSServiceConfig(
                service: "ec2", region: "us-east-1", endpoint: moto.endpoint,
                credentials: .fixed(
                    AWSCredentials(
                        accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey, source: .environment))))
        let clusterFilter = [
            EC2Filter("tag:grow-cluster-name", ["grow-ec2-up"]), EC2Filter("instance-state-name", ["running"]),
        ]

        // up runs while the test gives every instance it launches a host at its address.
        let up = Process()
        up.executableURL = PackagePaths.headBinary
        up.arguments = ["up", file.path, "--yes", "--ssh-timeout", "120"]
        up.environment = environment
        let output = cluster.directory.appendingPathComponent("up.log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        up.standardOutput = try FileHandle(forWritingTo: output)
        up.standardError = up.standardOutput
        up.standardInput = FileHandle.nullDevice
        try up.run()
        var hosted: [String: String] = [:]  // instance id -> kind
        while up.isRunning {
            for instance in try ec2.describeInstances(filters: clusterFilter) where hosted[instance.id] == nil {
                guard let address = instance.privateIP else { continue }
                let kind = instance.tags["grow-node-kind"] ?? "?"
                try cluster.addHost(name: "\(kind)-\(instance.id)", address: address, prefixLength: 16)
                hosted[instance.id] = kind
            }
            usleep(100_000)
        }
        let log = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        XCTAssertEqual(up.terminationStatus, 0, "up failed:\n\(log)")
        XCTAssertEqual(hosted.values.sorted(), ["head", "worker", "worker"], log)

        let instances = try ec2.describeInstances(filters: clusterFilter)
        let head = try XCTUnwrap(instances.first { $0.tags["grow-node-kind"] == "head" })
        XCTAssertFalse(head.isSpot, "the head runs on-demand")
        XCTAssertEqual(head.type, "m5.large")
        let workers = instances.filter { $0.tags["grow-node-kind"] == "worker" }
        XCTAssertEqual(workers.map(\.type), ["c5.large", "c5.large"])
        XCTAssertTrue(workers.allSatisfy(\.isSpot))
        XCTAssertTrue(
            instances.allSatisfy { $0.zone == "us-east-1a" && $0.keyName?.hasPrefix("grow-grow-ec2-up-") == true })
        for host in cluster.hosts {
            XCTAssertTrue(
                FileManager.default.isExecutableFile(
                    atPath: host.home.appendingPathComponent(".grow/bin/grow-worker").path), host.name)
            let ran =
                (try? String(contentsOf: host.home.appendingPathComponent("setup-ran.txt"), encoding: .utf8)) ?? ""
            XCTAssertEqual(ran.split(separator: "\n").count, 1, "\(host.name): \(ran)")
            if host.name.hasPrefix("worker") {
                XCTAssertTrue(ran.contains("GROW_HEAD_IP=\(head.privateIP ?? "?")"), "\(host.name): \(ran)")
            }
        }

        // The workers join the head: `status CLUSTER` finds the head by its tags and asks it.
        var status = ""
        for _ in 0..<100 {
            status = try cluster.growHead(["status", file.path], environment: environment).stdout
            if status.contains("Workers: 2 up") { break }
            usleep(200_000)
        }
        XCTAssertTrue(status.contains("Workers: 2 up"), status)

        // A second up finds everything by tags: nothing launched, nothing set up again.
        let launchesBefore = proxy.seen().filter { $0.action == "RunInstances" }.count
        XCTAssertEqual(launchesBefore, 2, "one RunInstances for the head, one for both workers")
        let again = try cluster.growHead(["up", file.path, "--yes", "--ssh-timeout", "60"], environment: environment)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertEqual(proxy.seen().filter { $0.action == "RunInstances" }.count, launchesBefore)
        XCTAssertEqual(
            (again.stdout + again.stderr).components(separatedBy: "configuration already up to date").count - 1, 3,
            again.stdout + again.stderr)

        let down = try cluster.growHead(["down", file.path], environment: environment)
        XCTAssertEqual(down.status, 0, down.stdout + down.stderr)
        let left = try ec2.describeInstances(filters: [EC2Filter("tag:grow-cluster-name", ["grow-ec2-up"])])
        XCTAssertEqual(left.filter(\.isLive).map(\.id), [], "no instance left running in moto")
    }
}
