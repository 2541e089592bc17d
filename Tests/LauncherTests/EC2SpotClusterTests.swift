import AWSCore
import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The AWS half of the guide on this machine: `grow-head up` on a spot cluster file against moto
/// launches the head and min_workers spot workers and sets them up over SSH; the head, given the
/// file by `up`, scales the workers with a 300-tile job (EC2 calls signed with its instance
/// profile's credentials from its metadata service), and when one worker gets a spot notice it
/// drains and the head launches its replacement at the notice, sets it up over SSH, and the job
/// ends with every tile recorded once. Idle workers go back to min_workers; `down` leaves nothing.
final class EC2SpotClusterTests: EC2CloudTestCase {
    func testSpotClusterScalesWithTheJobReplacesAnInterruptedWorkerAtTheNoticeAndScalesDown() throws {
        let cloud = try makeCloud(name: "ec2spot", clusterName: "grow-spot")
        let cluster = cloud.cluster
        let markers = cluster.directory.appendingPathComponent("markers")
        try FileManager.default.createDirectory(at: markers, withIntermediateDirectories: true)
        let file = try cloud.clusterFile(
            minWorkers: 2, maxWorkers: 3, settings: "idle_timeout_minutes: 0.1",
            commands: """
                head_start_commands:
                    - grow-head daemon stop --all
                    - \(cloud.headEnvironmentPrefix) grow-head daemon start head --wait-port 6379 --wait 60 -- grow-head start --port 6379 --cluster ~/.grow/cluster.yaml --no-backups
                worker_start_commands:
                    - grow-head daemon stop --all
                    - grow-head daemon start worker -- grow-worker --address $GROW_HEAD_IP:6379 --slots 2 --spot-notices on --notice-margin 2
                """)

        // up: the head and two spot workers, launched, hosted by the test, set up over SSH.
        let (up, upLog) = try cloud.start(["up", file.path, "--yes", "--ssh-timeout", "120"], log: "up.log")
        try cloud.pump(while: up)
        guard up.terminationStatus == 0 else { return XCTFail("up failed:\n\(Self.read(upLog))") }
        XCTAssertEqual(cloud.live("head").count, 1)
        XCTAssertEqual(cloud.live("worker").count, 2)
        let original = Set(cloud.live("worker").map(\.address))
        let head = try XCTUnwrap(cloud.live("head").first)
        try cloud.pump(until: "the two workers to join") { try status(file).contains("Workers: 2 up") }

        // A job of 300 command tiles, each writing where and when it ran.
        let tiles = 300
        let job = cluster.directory.appendingPathComponent("job.json")
        try #"""
        {"name": "spot-e2e", "pipeline": "command", "tiles": \#(tiles), "command": ["sh", "-c",
         "echo \"$(date +%s%N) {attempt} $(hostname -I | cut -d' ' -f1)\" >> \#(markers.path)/{tile}; sleep 0.4"]}
        """#.write(to: job, atomically: true, encoding: .utf8)
        let (submit, submitLog) = try cloud.start(["submit", file.path, job.path], log: "submit.log")

        // 300 queued tiles on 4 slots: the head launches a third worker (max_workers) and sets it up.
        try cloud.pump(until: "a third worker to run tiles") {
            cloud.live("worker").count == 3 && Self.runs(markers).contains { !original.contains($0.address) }
        }
        XCTAssertTrue(submit.isRunning, "the job outlasted the scale-up")

        // A spot notice for one of the first workers: AWS reclaims it 15 s later.
        let victim = try XCTUnwrap(
            cloud.live("worker").first { worker in
                original.contains(worker.address) && Self.runs(markers).contains { $0.address == worker.address }
            })
        let reclaimAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 15).rounded(.down))
        let workersBefore = Set(cloud.machines.values.filter { $0.kind == "worker" }.map(\.instance.id))
        victim.metadata.setInstanceAction("terminate", time: reclaimAt)
        try cloud.pump(until: "the replacement to be launched") {
            cloud.machines.values.contains { $0.kind == "worker" && !workersBefore.contains($0.instance.id) }
                || Date() >= reclaimAt
        }
        let replacement = try XCTUnwrap(
            cloud.machines.values.first { $0.kind == "worker" && !workersBefore.contains($0.instance.id) },
            "no replacement launched before the instance was reclaimed")
        let notice = try XCTUnwrap(victim.metadata.firstServedNotice, "the worker never read its notice")
        XCTAssertLessThan(
            Double(try XCTUnwrap(replacement.instance.launchTime, "EC2 gave no launch time")) / 1000,
            reclaimAt.timeIntervalSince1970,
            "launched at the notice, not at the loss")

        // AWS takes the instance at the notice's time.
        try cloud.pump(until: "the notice's time") { Date() >= reclaimAt }
        _ = try cloud.ec2.terminateInstances([victim.instance.id])
        try cloud.pump(while: submit)
        let submitted = Self.read(submitLog)
        XCTAssertEqual(submit.terminationStatus, 0, submitted)
        XCTAssertTrue(submitted.contains("\(tiles) done, 0 failed"), submitted)

        // The replacement joined and ran tiles; every tile is recorded once.
        let runs = Self.runs(markers)
        XCTAssertTrue(runs.contains { $0.address == replacement.address }, "the replacement ran no tile")
        // status lists the instances with the tiles each one's worker finished.
        let listing = try status(file)
        print(listing)
        XCTAssertTrue(listing.contains("Instances of grow-spot in us-east-1: 1 head"), listing)
        let row = listing.split(separator: "\n").first { $0.contains(replacement.instance.id) } ?? ""
        for field in ["worker", "grow.spot", "c5.large", "spot", "us-east-1a", "running", replacement.address] {
            XCTAssertTrue(row.split(separator: " ").contains(Substring(field)), "\(field) in: \(row)")
        }
        XCTAssertEqual(
            row.split(separator: " ").last.map(String.init),
            "\(runs.filter { $0.address == replacement.address }.count)",
            listing)
        XCTAssertFalse(listing.contains(victim.instance.id), "a terminated instance is not listed")
        let records = try Self.lastRecords(head.home)
        let finished =
            try JSONSerialization.jsonObject(with: Data(contentsOf: records.appendingPathComponent("finished.json")))
            as? [String]
        XCTAssertEqual(finished?.count, tiles)
        XCTAssertEqual(Set(finished ?? []), Set((0..<tiles).map { "tile-\($0)" }))
        XCTAssertEqual(Set(runs.map(\.tile)).count, tiles, "every tile ran")

        // Notice → tiles reissued: the queued tiles the victim gave back at the notice started
        // elsewhere; none started on it after.
        let victimLog = Self.read(victim.home.appendingPathComponent(".grow/logs/worker.log"))
        let givenBack = Set(
            victimLog.split(separator: "\n").filter { $0.contains("gave back queued tiles") }.flatMap { line in
                line.components(separatedBy: "tiles=").dropFirst().first?.split(separator: " ").first?
                    .split(separator: ",").map { "tile-\($0)" } ?? []
            })
        XCTAssertFalse(givenBack.isEmpty, "the victim held queued tiles at the notice:\n\(victimLog)")
        XCTAssertFalse(
            runs.contains { $0.address == victim.address && $0.startedAt > notice.addingTimeInterval(0.5) },
            "a tile started on the victim after its notice")
        let reissued = try givenBack.map { tile in
            let first = try XCTUnwrap(runs.filter { $0.tile == tile }.map(\.startedAt).min(), "\(tile) never ran")
            return first.timeIntervalSince(notice)
        }.max()
        print(
            String(
                format:
                    "EC2 spot notice: replacement %@ launched and running within %.1f s of the worker reading it; %d queued tiles reissued and started elsewhere within %.0f ms of the notice",
                replacement.instance.id, replacement.hostedAt.timeIntervalSince(notice), givenBack.count,
                (reissued ?? 0) * 1000))

        // No work left: after the idle timeout the head terminates workers down to min_workers.
        try cloud.pump(until: "the idle workers to go") { cloud.live("worker").count == 2 }
        try cloud.pump(until: "EC2 to agree") {
            try cloud.instances().filter { $0.tags["grow-node-kind"] == "worker" && $0.isLive }.count == 2
        }

        let down = try cluster.growHead(["down", file.path], environment: cloud.environment)
        XCTAssertEqual(down.status, 0, down.stdout + down.stderr)
        try cloud.pump()
        XCTAssertEqual(try cloud.instances().filter(\.isLive).map(\.id), [], "no instance left running in moto")
        XCTAssertEqual(cluster.launchedProcesses(), [], "grow processes left after down")
        XCTAssertEqual(TestCluster.growProcessesFromNodeBinaries(), [], "grow processes left after down")

        func status(_ file: URL) throws -> String {
            try cluster.growHead(["status", file.path], environment: cloud.environment).stdout
        }
    }

    struct Run {
        var tile: String
        var startedAt: Date
        /// The private address of the instance it ran on.
        var address: String
    }

    /// The markers' runs, with the instance at the address each was written from.
    static func runs(_ folder: URL) -> [Run] {
        var runs: [Run] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let text = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count == 3, let nanos = Double(fields[0]) else { continue }
                runs.append(
                    Run(tile: name, startedAt: Date(timeIntervalSince1970: nanos / 1e9), address: String(fields[2])))
            }
        }
        return runs
    }

    static func read(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// The records folder of the head's last job.
    static func lastRecords(_ headHome: URL) throws -> URL {
        let logs = headHome.appendingPathComponent(".grow/head/logs")
        let last = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: logs.path).sorted().last)
        return logs.appendingPathComponent(last)
    }
}
