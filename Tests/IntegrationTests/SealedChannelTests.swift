import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The sealed channel between real grow-head and grow-worker processes, through a
/// man-in-the-middle (`TamperingProxy`) that tampers with one connection after another: each
/// tampered connection closes, nothing it carried is acted on, the worker reconnects and the job
/// completes; and what the proxy saw holds none of the job's secrets.
final class SealedChannelTests: XCTestCase {
    func testTamperedFramesCloseTheConnectionAndTheJobCompletesThroughTheReconnects() throws {
        let cluster = try ClusterHarness(name: "mitm")
        try cluster.startHead()
        let markers = try cluster.makeMarkers()
        let forgedMarker = cluster.directory.appendingPathComponent("forged-command-ran")
        let environmentSecret = "env-secret-\(UUID().uuidString)"
        let argumentSecret = "--api-key=arg-secret-\(UUID().uuidString)"
        let tiles = 80
        // Small enough to go uncompressed: in clear, both secrets would be in the bytes verbatim.
        let spec = """
            {"name": "sealed", "pipeline": "command", "tiles": \(tiles),
             "environment": {"GROW_TEST_API_KEY": "\(environmentSecret)"},
             "command": ["sh", "-c", "echo {attempt} >> \(markers.path)/{tile}; sleep 0.05", "sh", "\(argumentSecret)"]}
            """
        let job = try cluster.writeJob("sealed.json", spec)
        let forgedSpec = """
            {"name": "sealed", "pipeline": "command", "tiles": \(tiles), "command": ["touch", "\(forgedMarker.path)"]}
            """
        let plan = TamperingProxy.Tamper.allCases
        let proxy = try TamperingProxy(
            headPort: cluster.port, plan: plan, forgedJob: (job: 1, spec: forgedSpec), tiles: tiles)
        defer { proxy.stop() }
        try cluster.startWorker("w1", slots: 1, address: "127.0.0.1:\(proxy.port)")

        let submit = try cluster.headCommand(["submit", job.path, "--wait"])
        XCTAssertEqual(submit.status, 0, submit.output)

        // Every tamper happened, each on its own connection, and each connection then closed.
        let records = proxy.records
        XCTAssertGreaterThan(records.count, plan.count, "the job finished on a connection after the last tamper")
        for (index, tamper) in plan.enumerated() {
            guard index < records.count else {
                XCTFail("no connection for \(tamper)")
                continue
            }
            XCTAssertEqual(records[index].tamper, tamper)
            XCTAssertTrue(records[index].applied, "\(tamper) never found its frame")
            XCTAssertTrue(records[index].closedAfterTamper, "\(tamper) did not close the connection")
        }
        // The side that received the frame said why it closed.
        let worker = cluster.log("worker-w1")
        let head = cluster.log("head")
        XCTAssertEqual(
            occurrences("failed to open: altered in transit or sealed with another key", in: worker), 2, worker)
        XCTAssertEqual(occurrences("sealed frame replayed: a copy of frame", in: worker), 1, worker)
        XCTAssertEqual(occurrences("sealed frame out of order", in: head), 2, head)
        XCTAssertEqual(occurrences("failed to open: altered in transit or sealed with another key", in: head), 1, head)

        // Nothing of a tampered or forged frame was acted on: the forged command never ran, every
        // tile recorded as done ran (a forged TileDone claimed them all at once), none ran that
        // the job does not have, and none failed.
        XCTAssertFalse(FileManager.default.fileExists(atPath: forgedMarker.path), "the forged JobDefinition ran")
        let folder = try cluster.recordsFolder()
        let finished = try cluster.readJSON(folder.appendingPathComponent("finished.json")) as? [String] ?? []
        let failed = try cluster.readJSON(folder.appendingPathComponent("failed.json")) as? [String] ?? []
        XCTAssertEqual(Set(finished), Set((0..<tiles).map { "tile-\($0)" }))
        XCTAssertEqual(failed, [])
        let ran = Set(try FileManager.default.contentsOfDirectory(atPath: markers.path))
        XCTAssertEqual(ran, Set(finished), "every recorded tile ran, and no other")

        // The eavesdropper's copy: the job definition went by (uncompressed, sealed), its secrets
        // did not; the Hello's worker name, sent in clear, shows the copy is real.
        let capture = proxy.capture
        let definitions = proxy.frames.filter { $0.type == 19 && $0.direction == .toWorker }
        XCTAssertFalse(definitions.isEmpty)
        for frame in definitions {
            XCTAssertEqual(frame.flags, 0x02, "sealed, not compressed")
            XCTAssertGreaterThan(frame.wireLength, environmentSecret.utf8.count + argumentSecret.utf8.count)
        }
        XCTAssertTrue(contains(capture, "w1"))
        XCTAssertFalse(contains(capture, environmentSecret), "an environment value crossed the wire in clear")
        XCTAssertFalse(contains(capture, argumentSecret), "a command argument crossed the wire in clear")
        XCTAssertFalse(contains(capture, "GROW_TEST_API_KEY"))
        XCTAssertFalse(contains(capture, "{attempt}"))
    }

    private func occurrences(_ text: String, in log: String) -> Int {
        log.components(separatedBy: text).count - 1
    }

    private func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { start in
            bytes[start] == needle[0] && Array(bytes[start..<(start + needle.count)]) == needle
        }
    }
}
