import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// A worker on its own network host (a network namespace joined to this one by a veth pair),
/// cut off from the head for longer than the heartbeat timeout, then reconnected.
final class PartitionTests: XCTestCase {
    /// One namespace with a veth pair; removed again in `tearDown`.
    struct TestHost {
        let namespace: String
        let hostSide: String
        let headAddress: String
        let workerAddress: String
    }

    private var host: TestHost?

    private func makeHost() throws -> TestHost {
        try requireNetworkNamespaces()
        let tag = String(getpid() % 100_000)
        let subnet = Int(getpid() % 200) + 20
        let test = TestHost(
            namespace: "grow-part-\(tag)", hostSide: "gph\(tag)", headAddress: "10.231.\(subnet).1",
            workerAddress: "10.231.\(subnet).2")
        let workerSide = "gpw\(tag)"
        try ip(["netns", "add", test.namespace])
        host = test
        try ip(["link", "add", test.hostSide, "type", "veth", "peer", "name", workerSide])
        try ip(["link", "set", workerSide, "netns", test.namespace])
        try ip(["addr", "add", "\(test.headAddress)/30", "dev", test.hostSide])
        try ip(["link", "set", test.hostSide, "up"])
        try ip(["netns", "exec", test.namespace, "ip", "addr", "add", "\(test.workerAddress)/30", "dev", workerSide])
        try ip(["netns", "exec", test.namespace, "ip", "link", "set", workerSide, "up"])
        try ip(["netns", "exec", test.namespace, "ip", "link", "set", "lo", "up"])
        return test
    }

    override func tearDown() {
        if let host {
            try? ip(["link", "del", host.hostSide])
            try? ip(["netns", "del", host.namespace])
        }
        host = nil
    }

    func testPartitionedWorkerReturnsAndItsLateDuplicatesAreDropped() throws {
        let test = try makeHost()
        let cluster = try ClusterHarness(name: "partition")
        try cluster.startHead(extra: ["--heartbeat-timeout", "2", "--no-backups"], bind: "0.0.0.0")
        let cutOff = try cluster.startWorker(
            "cut-off", slots: 2, prefix: ["/usr/sbin/ip", "netns", "exec", test.namespace],
            address: "\(test.headAddress):\(cluster.port)")
        try cluster.startWorker("steady", slots: 2)
        let job = try cluster.writeJob(
            "partition.json", #"{"name": "partition", "pipeline": "sleep", "tiles": 400, "sleep": {"fixed_ms": 50}}"#)
        let submit = try cluster.startSubmit(job)
        cluster.eventually("the cut-off worker to join") { cluster.log("head").contains("cut-off") }
        usleep(800_000)
        try ip(["link", "set", test.hostSide, "down"])
        cluster.eventually("the head to notice the silence") { cluster.log("head").contains("no heartbeat") }
        usleep(1_500_000)
        try ip(["link", "set", test.hostSide, "up"])
        submit.waitUntilExit()
        XCTAssertEqual(submit.terminationStatus, 0, cluster.log("submit"))
        let finished =
            try cluster.readJSON(cluster.recordsFolder().appendingPathComponent("finished.json")) as? [String] ?? []
        XCTAssertEqual(finished.count, 400)
        XCTAssertEqual(Set(finished).count, 400, "nothing lost, nothing twice")
        let report =
            try cluster.readJSON(cluster.recordsFolder().appendingPathComponent("pipeline-report.json"))
            as? [String: Any] ?? [:]
        XCTAssertGreaterThan(
            (report["scheduler"] as? [String: Any])?["reissued_after_loss"] as? Int ?? 0, 0,
            "the cut-off worker's tiles ran elsewhere: \(report)")
        cluster.eventually("the cut-off worker to reconnect", timeoutSeconds: 30) {
            cluster.log("worker-cut-off").components(separatedBy: "connected to the head").count >= 3
        }
        XCTAssertTrue(cutOff.isRunning, "the cut-off worker kept running through the partition")
    }
}
