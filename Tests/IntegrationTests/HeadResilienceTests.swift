import Foundation
import GrowTestSupport
import HeadRuntime
import TileScheduler
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The head stays responsive while its storage is slow, and its records survive its own death.
final class HeadResilienceTests: XCTestCase {
    /// An S3 endpoint that answers every listing after 10 s (and logs when it starts and ends one),
    /// accepts uploads and knows no object: the project of a job with `skip_existing`.
    static let stallingS3 = #"""
        import http.server, sys, time
        log = open(sys.argv[2], "a", buffering=1)
        class Stall(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def answer(self, status, body=b"", extra=()):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                for name, value in extra: self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            def do_GET(self):
                if "list-type=2" in self.path:
                    log.write("listing started %.3f\n" % time.time())
                    time.sleep(10)
                    log.write("listing answered %.3f\n" % time.time())
                    body = b'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>stall</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>'
                    return self.answer(200, body, [("Content-Type", "application/xml")])
                self.answer(404, b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>', [("Content-Type", "application/xml")])
            def do_HEAD(self):
                self.answer(404)
            def do_PUT(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.answer(200, extra=[("ETag", '"0"')])
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Stall).serve_forever()
        """#

    func testAStalledBucketListingDelaysNoHeartbeatAndNoOtherJob() throws {
        let cluster = try ClusterHarness(name: "stall")
        let s3Port = try freeLoopbackPort()
        let script = try cluster.writeJob("stall.py", Self.stallingS3)
        let s3Log = cluster.directory.appendingPathComponent("s3-requests.log")
        let s3 = try cluster.spawn(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, "\(s3Port)", s3Log.path], log: "s3")
        defer { kill(s3.processIdentifier, SIGKILL) }
        cluster.eventually("the S3 stand-in to listen") { acceptsConnections(port: s3Port) }

        try cluster.startHead(
            extra: ["--heartbeat-interval", "1", "--heartbeat-timeout", "2"],
            environment: ["AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"])
        try cluster.startWorker("w1", slots: 2)
        try cluster.startWorker("w2", slots: 2)
        let stalled = try cluster.writeJob(
            "stalled.json",
            """
            {"name": "stalled", "pipeline": "features", "tiles": ["a", "b", "c"], "skip_existing": true,
             "storage": {"project_folder": "s3://stall/project", "endpoint_url": "http://127.0.0.1:\(s3Port)",
                         "aws_region": "us-east-1", "structure": {"data": "data", "features": "features"}},
             "input_folder_key": "data", "output_folder_key": "features", "bands_feature_name": "BANDS",
             "data_preparation": {"valid_data_feature_name": "IS_DATA"}, "output_feature_name": "FEATURES",
             "ndis": {"NDVI": [3, 2]}}
            """)
        let quick = try cluster.writeJob(
            "quick.json",
            #"{"name": "quick", "pipeline": "sleep", "tiles": 40, "sleep": {"fixed_ms": 100}}"#)
        let stalledSubmit = try cluster.spawn(
            ClusterHarness.headBinary,
            ["submit", stalled.path, "--address", "127.0.0.1:\(cluster.port)", "--token-file", cluster.tokenFile.path],
            log: "submit-stalled")
        cluster.eventually("the head to list the stalled job's outputs") {
            ((try? String(contentsOf: s3Log, encoding: .utf8)) ?? "").contains("listing started")
        }
        // While the listing hangs, a second job runs from start to end on the same workers.
        let quickRun = try cluster.headCommand(["submit", quick.path, "--wait"])
        XCTAssertEqual(quickRun.status, 0, quickRun.output)
        XCTAssertTrue(quickRun.output.contains("40 done, 0 failed"), quickRun.output)
        let requests = (try? String(contentsOf: s3Log, encoding: .utf8)) ?? ""
        XCTAssertFalse(
            requests.contains("listing answered"), "the quick job must have run during the stall:\n\(requests)")
        XCTAssertTrue(stalledSubmit.isRunning, "the stalled job is accepted only once its listing returns")

        stalledSubmit.waitUntilExit()
        XCTAssertEqual(stalledSubmit.terminationStatus, 0, cluster.log("submit-stalled"))
        XCTAssertTrue(cluster.log("submit-stalled").contains("accepted: 3 tiles"), cluster.log("submit-stalled"))
        let head = cluster.log("head")
        XCTAssertFalse(head.contains("worker lost"), "a healthy worker was declared lost:\n\(head)")
        XCTAssertTrue(head.contains("job submitted"), head)
    }

    func testTheReportCountsLossesFromBeforeAHeadRestart() throws {
        let cluster = try ClusterHarness(name: "report-restart")
        let headArguments = ["--no-backups", "--heartbeat-timeout", "2", "--resume-grace", "1"]
        let head = try cluster.startHead(extra: headArguments)
        let markers = try cluster.makeMarkers()
        let killed = try cluster.startWorker("killed", slots: 2)
        let frozen = try cluster.startWorker("frozen", slots: 2)
        try cluster.startWorker("steady", slots: 2)
        let job = try cluster.writeJob(
            "job.json",
            """
            {"name": "chaos", "pipeline": "command", "tiles": 240,
             "command": ["sh", "-c", "sleep 0.05; echo {attempt} >> \(markers.path)/{tile}"]}
            """)
        XCTAssertEqual(try cluster.headCommand(["submit", job.path]).status, 0)
        cluster.eventually("some tiles to be done") { cluster.markerCount(markers) >= 40 }
        cluster.kill9(killed)
        kill(frozen.processIdentifier, SIGSTOP)
        cluster.eventually("the head to lose both workers") {
            let log = cluster.log("head")
            return log.contains("worker lost: connection closed") && log.contains("worker lost: no heartbeat")
        }
        // The head logs a loss before its journal's next group commit (within 5 ms): kill it
        // only once a copy of its journal replays with both losses counted.
        cluster.eventually("the journal to hold both losses") {
            (try? journaledCounters(in: cluster.stateDirectory))?.first?.workersLost == 2
        }
        XCTAssertLessThan(cluster.markerCount(markers), 240, "the head is restarted mid-job")
        cluster.kill9(head)
        kill(frozen.processIdentifier, SIGKILL)
        try cluster.startHead(extra: headArguments)
        cluster.eventually("the resumed job to finish") {
            FileManager.default.fileExists(
                atPath: (try? cluster.recordsFolder().appendingPathComponent("pipeline-report.json").path) ?? "/none")
        }
        let report = try XCTUnwrap(
            try cluster.readJSON(cluster.recordsFolder().appendingPathComponent("pipeline-report.json"))
                as? [String: Any])
        let scheduler = try XCTUnwrap(report["scheduler"] as? [String: Any])
        XCTAssertEqual(scheduler["workers_lost"] as? Int, 2, "\(scheduler)")
        XCTAssertGreaterThanOrEqual(scheduler["reissued_after_loss"] as? Int ?? 0, 2, "\(scheduler)")
        let tiles = try XCTUnwrap(report["tiles"] as? [String: Any])
        XCTAssertEqual(tiles["done"] as? Int, 240)
        let perWorker = try XCTUnwrap((report["workers"] as? [String: Any])?["tiles"] as? [String: Int])
        XCTAssertEqual(perWorker.values.reduce(0, +), 240)
        XCTAssertGreaterThan(perWorker["killed"] ?? 0, 0, "tiles finished before the restart are in the report")
    }
}

/// The counters of each job in the head's journal, read from a copy (the head holds the
/// directory's lock, and opening a journal compacts it).
func journaledCounters(in stateDirectory: URL) throws -> [JobCounters] {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("journal-copy-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: copy) }
    try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
        at: stateDirectory.appendingPathComponent("journal"), to: copy.appendingPathComponent("journal"))
    let (journal, state) = try Journal.open(directory: copy.path)
    journal.close()
    return state.jobs.map(\.counters)
}
