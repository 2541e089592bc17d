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
final class EC2ClusterUpTests: EC2CloudTestCase {
    func testUpLaunchesHeadAndSpotWorkersAndSetsThemUp() throws {
        let cloud = try makeCloud(name: "ec2up", clusterName: "grow-ec2-up")
        let cluster = cloud.cluster
        let proxy = try EC2FaultProxy(moto: cloud.moto)
        let file = try cloud.clusterFile(
            minWorkers: 2, maxWorkers: 4,
            commands: """
                setup_commands:
                    - echo "set up with GROW_HEAD_IP=${GROW_HEAD_IP:-none}" >> ~/setup-ran.txt
                head_start_commands:
                    - grow-head daemon stop --all
                    - grow-head daemon start head --wait-port 6379 --wait 30 -- grow-head start --port 6379
                worker_start_commands:
                    - grow-head daemon stop --all
                    - grow-head daemon start worker -- grow-worker --address $GROW_HEAD_IP:6379 --slots 2
                """)
        var environment = cloud.environment
        environment["AWS_ENDPOINT_URL_EC2"] = proxy.url
        let ec2 = cloud.ec2
        let clusterFilter = [
            EC2Filter("tag:grow-cluster-name", ["grow-ec2-up"]), EC2Filter("instance-state-name", ["running"]),
        ]

        // up runs while the test gives every instance it launches a host at its address.
        let (up, output) = try cloud.start(
            ["up", file.path, "--yes", "--ssh-timeout", "120"], log: "up.log", environment: environment)
        try cloud.pump(while: up)
        let log = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        XCTAssertEqual(up.terminationStatus, 0, "up failed:\n\(log)")
        XCTAssertEqual(cloud.machines.values.map(\.kind).sorted(), ["head", "worker", "worker"], log)
        XCTAssertTrue(log.contains("the head will not scale the workers"), "no --cluster: said so\n\(log)")

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
        XCTAssertEqual(try cloud.instances().filter(\.isLive).map(\.id), [], "no instance left running in moto")
    }
}
