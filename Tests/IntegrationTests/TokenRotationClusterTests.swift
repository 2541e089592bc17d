import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// `grow-head token rotate` on a running cluster: the job runs on, a worker that reads the new
/// token file (SIGHUP) stays, a worker left with the old token is cut off once the grace is over.
final class TokenRotationClusterTests: XCTestCase {
    func testAJobRunsOnAcrossARotationAndTheOldTokenIsRefusedAfterTheGrace() throws {
        let cluster = try ClusterHarness(name: "rotate")
        try cluster.startHead(extra: ["--token-grace", "6"])
        // Each worker has its own copy of the token, as on its own machine.
        let tokenA = cluster.directory.appendingPathComponent("token-a")
        let tokenB = cluster.directory.appendingPathComponent("token-b")
        for copy in [tokenA, tokenB] { try copyToken(from: cluster.tokenFile, to: copy) }
        let workerA = try startWorker(cluster, "a", tokenFile: tokenA)
        let workerB = try startWorker(cluster, "b", tokenFile: tokenB)
        // Started here, not by the harness, so ended here too.
        defer {
            for worker in [workerA, workerB] where worker.isRunning { cluster.kill9(worker) }
        }
        let markers = try cluster.makeMarkers()
        let tiles = 60
        let job = try cluster.writeJob(
            "rotate.json",
            """
            {"name": "rotate", "pipeline": "command", "tiles": \(tiles),
             "command": ["sh", "-c", "sleep 0.1; echo {attempt} >> \(markers.path)/{tile}"]}
            """)
        let submit = try cluster.startSubmit(job)
        cluster.eventually("some tiles to be done") { cluster.markerCount(markers) >= 10 }

        let rotate = try cluster.run(ClusterHarness.headBinary, ["token", "rotate", cluster.tokenFile.path])
        XCTAssertEqual(rotate.status, 0, rotate.output)
        cluster.eventually("the head to read the rotated token") {
            cluster.log("head").contains("cluster token rotated")
        }
        // Worker A gets the new token mid-job and is told to read it.
        try copyToken(from: cluster.tokenFile, to: tokenA)
        kill(workerA.processIdentifier, SIGHUP)
        cluster.eventually("worker a to reconnect with the new token") {
            cluster.log("worker-a").components(separatedBy: "connected to the head").count - 1 >= 2
        }
        XCTAssertTrue(
            cluster.log("worker-a").contains("the cluster token file changed: reconnecting with the new token"),
            cluster.log("worker-a"))

        submit.waitUntilExit()
        XCTAssertEqual(submit.terminationStatus, 0, cluster.log("submit"))
        let finished =
            try cluster.readJSON(cluster.recordsFolder().appendingPathComponent("finished.json")) as? [String] ?? []
        XCTAssertEqual(Set(finished), Set((0..<tiles).map { "tile-\($0)" }))
        XCTAssertEqual(cluster.markerCount(markers), tiles)

        // Worker B never got the new token: when the grace is over the head closes its connection
        // and refuses it when it comes back; it ends with exit code 2.
        workerB.waitUntilExit()
        XCTAssertEqual(workerB.terminationStatus, 2, cluster.log("worker-b"))
        XCTAssertTrue(cluster.log("worker-b").contains("refused this worker: authentication failed"))
        let head = cluster.log("head")
        XCTAssertTrue(head.contains("the previous cluster token's grace period is over"), head)
        XCTAssertTrue(
            head.contains("closing a connection proven with a cluster token that is no longer accepted"), head)
        // So is any worker that starts with the old token now; worker A stays.
        let late = try startWorker(cluster, "late", tokenFile: tokenB)
        defer { if late.isRunning { cluster.kill9(late) } }
        late.waitUntilExit()
        XCTAssertEqual(late.terminationStatus, 2, cluster.log("worker-late"))
        XCTAssertTrue(workerA.isRunning)
        let status = try cluster.headCommand(["status"])
        XCTAssertTrue(status.output.contains("Workers: 1 up"), status.output)
    }

    private func copyToken(from source: URL, to destination: URL) throws {
        try? FileManager.default.removeItem(at: destination)
        try FileManager.default.copyItem(at: source, to: destination)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: destination.path)
    }

    private func startWorker(_ cluster: ClusterHarness, _ name: String, tokenFile: URL) throws -> Process {
        try cluster.spawn(
            ClusterHarness.workerBinary,
            [
                "--address", "127.0.0.1:\(cluster.port)", "--slots", "1", "--token-file", tokenFile.path,
                "--work-dir", cluster.directory.appendingPathComponent("work-\(name)").path, "--worker-id", name,
            ],
            log: "worker-\(name)")
    }
}
