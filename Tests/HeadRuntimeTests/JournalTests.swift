import Foundation
import Wire
import XCTest

@testable import HeadRuntime

final class JournalTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "/grow-journal-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    // MARK: Helpers

    private var directoryCount = 0

    /// A fresh state directory path (not created).
    private func newDirectory() -> String {
        directoryCount += 1
        return "\(root)/state\(directoryCount)"
    }

    private func fileBytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A state directory holding exactly `bytes` as its journal.
    private func directory(withJournal bytes: [UInt8]) throws -> String {
        let directory = newDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/journal"))
        return directory
    }

    private func reopen(_ directory: String, keepFinishedJobs: Int = 50) throws -> JournalState {
        let (journal, state) = try Journal.open(directory: directory, keepFinishedJobs: keepFinishedJobs)
        journal.close()
        return state
    }

    private func submit(_ job: UInt32, name: String? = nil) -> JournalRecord {
        .jobSubmitted(
            job: job, name: name ?? "job \(job)", spec: #"{"name":"job \#(job)","tiles":"s2"}"#,
            submittedUnixMs: 1_700_000_000_000 + UInt64(job), recordsPath: "/var/grow/records/\(job)")
    }

    private func finished(_ job: UInt32, _ index: UInt32, micros: UInt64 = 1000, worker: String = "w1")
        -> JournalRecord
    {
        .tileFinished(job: job, index: index, attempt: 1, durationMicros: micros, worker: worker)
    }

    /// Every record kind, for two jobs.
    private var everyKind: [JournalRecord] {
        [
            submit(1, name: "sentinel-2 ndvi ünïcødé"),
            submit(2),
            .tileFinished(job: 1, index: 0, attempt: 1, durationMicros: 1_500_000, worker: "worker-a"),
            .tileFinished(job: 1, index: 7, attempt: 3, durationMicros: 250, worker: "worker-b"),
            .tileFinished(job: 1, index: 1 << 31, attempt: 1, durationMicros: 9_000_000, worker: "worker-a"),
            .tileFailed(job: 1, index: 3, attempts: 4, error: "gdal: cannot open s3://bucket/tile-3.tif"),
            .tileQuarantined(job: 1, index: 5, reason: "took down 3 workers"),
            .tileFinished(job: 2, index: 0, attempt: 1, durationMicros: 10, worker: ""),
            .jobCancelled(job: 2, atUnixMs: 1_700_000_100_000),
            .jobFinished(job: 2, finishedUnixMs: 1_700_000_200_000),
        ]
    }

    private var everyKindState: [RecoveredJob] {
        [
            RecoveredJob(
                job: 1, name: "sentinel-2 ndvi ünïcødé", spec: #"{"name":"job 1","tiles":"s2"}"#,
                submittedUnixMs: 1_700_000_000_001, recordsPath: "/var/grow/records/1", finished: [0, 7, 1 << 31],
                failed: [3: "gdal: cannot open s3://bucket/tile-3.tif"], failedAttempts: [3: 4],
                quarantined: [5: "took down 3 workers"], durationMicrosSum: 10_500_250,
                durationMicrosMax: 9_000_000, tilesByWorker: ["worker-a": 2, "worker-b": 1]),
            RecoveredJob(
                job: 2, name: "job 2", spec: #"{"name":"job 2","tiles":"s2"}"#, submittedUnixMs: 1_700_000_000_002,
                recordsPath: "/var/grow/records/2", finished: [0], cancelledUnixMs: 1_700_000_100_000,
                finishedUnixMs: 1_700_000_200_000, durationMicrosSum: 10, durationMicrosMax: 10,
                tilesByWorker: ["": 1]),
        ]
    }

    // MARK: CRC-32C

    /// Bit at a time, straight from the definition.
    private func referenceCRC32C(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    func testCRC32CKnownVectors() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([]), 0)
        // RFC 3720 (iSCSI) B.4.
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }), 0x113F_DB5C)
    }

    func testCRC32CMatchesBitwiseReferenceAndContinues() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<100 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertEqual(CRC32C.checksum(bytes), referenceCRC32C(bytes), "length \(length)")
            let split = length / 3
            let first = CRC32C.checksum(Array(bytes[..<split]))
            let whole = Array(bytes[split...]).withUnsafeBytes { CRC32C.update(first, $0) }
            XCTAssertEqual(whole, CRC32C.checksum(bytes))
        }
    }

    // MARK: Round trips

    func testNewJournalIsEmptyWithHeaderOnly() throws {
        let directory = newDirectory()
        let (journal, state) = try Journal.open(directory: directory)
        XCTAssertEqual(state.jobs, [])
        XCTAssertEqual(state.nextJobID, 1)
        XCTAssertEqual(state.droppedTailBytes, 0)
        journal.close()
        let bytes = try fileBytes(directory + "/journal")
        XCTAssertEqual(Array(bytes.prefix(8)), Array("GROWJNL".utf8) + [1])
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/journal.damaged"))
        XCTAssertEqual(journal.bytesWritten, bytes.count)
    }

    func testEveryRecordKindSurvivesCloseAndReopen() throws {
        let directory = newDirectory()
        let (journal, _) = try Journal.open(directory: directory)
        for record in everyKind { journal.append(record) }
        journal.close()
        XCTAssertEqual(journal.bytesWritten, try fileBytes(directory + "/journal").count)

        let state = try reopen(directory)
        XCTAssertEqual(state.jobs, everyKindState)
        XCTAssertEqual(state.nextJobID, 3)
        XCTAssertEqual(state.droppedTailBytes, 0)
        XCTAssertEqual(state.replayedRecords, everyKind.count + 1)  // and the new journal's checkpoint

        // The compacted file rebuilds the same state, and compacting it again changes nothing.
        let compacted = try fileBytes(directory + "/journal")
        XCTAssertEqual(try reopen(directory).jobs, everyKindState)
        XCTAssertEqual(try fileBytes(directory + "/journal"), compacted)
    }

    func testRecordBodiesRoundTripThroughTheCodec() throws {
        let summary = JobSummary(
            job: 9, runs: [0...0, 2...100, 4_000_000_000...UInt32.max], durationMicrosSum: .max,
            durationMicrosMax: 12, tilesByWorker: [("a", 1), ("b", 200)])
        let stored = everyKind.map(StoredRecord.record) + [.checkpoint(nextJobID: .max), .jobSummary(summary)]
        var bytes: [UInt8] = []
        for record in stored { Journal.appendFramed(to: &bytes) { record.encode(to: &$0) } }
        var replayed: [StoredRecord] = []
        var offset = 0
        while offset < bytes.count {
            let length =
                Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16
                | Int(bytes[offset + 3]) << 24
            let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let crc =
                UInt32(bytes[offset + 4]) | UInt32(bytes[offset + 5]) << 8 | UInt32(bytes[offset + 6]) << 16
                | UInt32(bytes[offset + 7]) << 24
            XCTAssertEqual(crc, CRC32C.checksum(body))
            let record = try body.withUnsafeBytes { raw in
                var reader = WireReader(unsafeBytes: raw)
                return try StoredRecord.decode(&reader)
            }
            replayed.append(try XCTUnwrap(record))
            offset += 8 + length
        }
        XCTAssertEqual(replayed, stored)
    }

    func testFinishedTileRunsSurviveCompaction() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<5 {
            let directory = newDirectory()
            let (journal, _) = try Journal.open(directory: directory)
            journal.append(submit(1))
            var indices: Set<UInt32> = [0, .max, .max - 1]
            for _ in 0..<(round * 400) {
                indices.insert(UInt32.random(in: 0..<2000, using: &generator))
            }
            for index in indices.shuffled() { journal.append(finished(1, index, micros: UInt64(index % 7))) }
            journal.close()
            let first = try reopen(directory)
            XCTAssertEqual(first.jobs.first?.finished, indices.sorted())
            let second = try reopen(directory)
            XCTAssertEqual(second.jobs, first.jobs)
            XCTAssertEqual(second.nextJobID, first.nextJobID)
        }
    }

    // MARK: Idempotence

    func testDuplicateRecordsCountOnce() throws {
        let directory = newDirectory()
        let (journal, _) = try Journal.open(directory: directory)
        journal.append(submit(1))
        journal.append(submit(1, name: "a second submission of the same id"))
        journal.append(finished(1, 4, micros: 100, worker: "a"))
        journal.append(.tileFinished(job: 1, index: 4, attempt: 2, durationMicros: 999, worker: "b"))  // redelivery
        journal.append(finished(1, 4, micros: 100, worker: "a"))
        // A tile's outcome only moves up: failed < quarantined < finished.
        journal.append(.tileFailed(job: 1, index: 5, attempts: 3, error: "first"))
        journal.append(.tileFailed(job: 1, index: 5, attempts: 4, error: "second"))
        journal.append(.tileQuarantined(job: 1, index: 6, reason: "poison"))
        journal.append(.tileFailed(job: 1, index: 6, attempts: 9, error: "late"))
        journal.append(.tileFailed(job: 1, index: 7, attempts: 2, error: "late result follows"))
        journal.append(finished(1, 7, micros: 50, worker: "a"))
        journal.append(.jobCancelled(job: 1, atUnixMs: 10))
        journal.append(.jobCancelled(job: 1, atUnixMs: 20))
        // Records of a job never submitted are ignored.
        journal.append(finished(77, 1))
        journal.close()

        let expected = RecoveredJob(
            job: 1, name: "job 1", spec: #"{"name":"job 1","tiles":"s2"}"#, submittedUnixMs: 1_700_000_000_001,
            recordsPath: "/var/grow/records/1", finished: [4, 7], failed: [5: "first"], failedAttempts: [5: 3],
            quarantined: [6: "poison"], cancelledUnixMs: 10, durationMicrosSum: 150, durationMicrosMax: 100,
            tilesByWorker: ["a": 2])
        XCTAssertEqual(try reopen(directory).jobs, [expected])

        // Redelivered after the restart (into the compacted journal): still once.
        let (again, _) = try Journal.open(directory: directory)
        again.append(finished(1, 4, micros: 100, worker: "a"))
        again.append(finished(1, 7, micros: 5000, worker: "c"))
        again.close()
        XCTAssertEqual(try reopen(directory).jobs, [expected])
    }

    func testReplayingTheWholeFileTwiceGivesTheSameState() throws {
        let directory = newDirectory()
        let (journal, _) = try Journal.open(directory: directory)
        for record in everyKind { journal.append(record) }
        journal.close()
        let bytes = try fileBytes(directory + "/journal")
        let doubled = bytes + bytes[8...]  // every record (checkpoint and summaries too) twice
        let state = try reopen(try self.directory(withJournal: doubled))
        XCTAssertEqual(state.jobs, everyKindState)
        XCTAssertEqual(state.droppedTailBytes, 0)
    }

    // MARK: Torn and corrupt tails

    func testTornLastRecordAtEveryOffset() throws {
        let original = newDirectory()
        let (journal, _) = try Journal.open(directory: original)
        journal.append(submit(1))
        journal.append(finished(1, 0))
        journal.sync()
        let goodEnd = journal.bytesWritten
        journal.append(.tileFailed(job: 1, index: 1, attempts: 3, error: "the record that is torn"))
        journal.close()
        let bytes = try fileBytes(original + "/journal")
        XCTAssertGreaterThan(bytes.count, goodEnd + 20)

        for cut in goodEnd..<bytes.count {
            let directory = try self.directory(withJournal: Array(bytes[..<cut]))
            let (reopened, state) = try Journal.open(directory: directory)
            XCTAssertEqual(state.droppedTailBytes, cut - goodEnd, "cut at \(cut)")
            XCTAssertEqual(state.jobs.map(\.finished), [[0]], "cut at \(cut)")
            XCTAssertEqual(state.jobs.first?.failed, [:], "cut at \(cut)")
            reopened.append(finished(1, 2))
            reopened.close()

            let next = try reopen(directory)
            XCTAssertEqual(next.droppedTailBytes, 0, "cut at \(cut)")
            XCTAssertEqual(next.jobs.map(\.finished), [[0, 2]], "cut at \(cut)")
        }
        // Cut inside the header of a brand-new file: an empty journal.
        for cut in 1..<8 {
            let state = try reopen(try directory(withJournal: Array(bytes[..<cut])))
            XCTAssertEqual(state.jobs, [])
            XCTAssertEqual(state.droppedTailBytes, cut)
        }
    }

    func testCorruptByteInTheMiddleEndsTheReplayThere() throws {
        let original = newDirectory()
        let (journal, _) = try Journal.open(directory: original)
        var ends: [Int] = [journal.bytesWritten]
        for index in 0..<5 as Range<UInt32> {
            journal.append(index == 0 ? submit(1) : finished(1, index))
            journal.sync()
            ends.append(journal.bytesWritten)
        }
        journal.close()
        let bytes = try fileBytes(original + "/journal")
        // Records: ends[0]..<ends[1] submit, then tiles 1...4. Damage the third (tile 2).
        let start = ends[2]
        for position in [start, start + 2, start + 4, start + 8, ends[3] - 1] {
            var damaged = bytes
            damaged[position] ^= 0x40
            let directory = try directory(withJournal: damaged)
            let state = try reopen(directory)
            XCTAssertEqual(try fileBytes(directory + "/journal.damaged"), damaged)
            XCTAssertEqual(state.jobs.map(\.finished), [[1]], "byte \(position)")
            XCTAssertEqual(state.droppedTailBytes, bytes.count - start, "byte \(position)")
        }
    }

    func testZerosAfterTheLastRecordAreDropped() throws {
        let original = newDirectory()
        let (journal, _) = try Journal.open(directory: original)
        journal.append(submit(1))
        journal.append(finished(1, 3))
        journal.close()
        let bytes = try fileBytes(original + "/journal")
        let state = try reopen(try directory(withJournal: bytes + [UInt8](repeating: 0, count: 4096)))
        XCTAssertEqual(state.jobs.map(\.finished), [[3]])
        XCTAssertEqual(state.droppedTailBytes, 4096)
    }

    // MARK: Files

    func testModesOfNewDirectoryAndFile() throws {
        let previous = umask(0)
        defer { umask(previous) }
        let directory = newDirectory() + "/nested/state"
        let (journal, _) = try Journal.open(directory: directory)
        journal.append(submit(1))
        journal.close()
        func mode(_ path: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        XCTAssertEqual(try mode(directory), 0o700)
        XCTAssertEqual(try mode(directory + "/journal"), 0o600)
        XCTAssertEqual(try mode(directory + "/journal.lock"), 0o600)

        // A journal someone made readable to all is tightened by the next compaction.
        XCTAssertEqual(chmod(directory + "/journal", 0o644), 0)
        _ = try reopen(directory)
        XCTAssertEqual(try mode(directory + "/journal"), 0o600)
    }

    func testWrongMagicVersionAndRecordGiveClearErrors() throws {
        func openError(_ bytes: [UInt8]) throws -> JournalError? {
            let directory = try directory(withJournal: bytes)
            do {
                _ = try reopen(directory)
                return nil
            } catch let error as JournalError {
                XCTAssertTrue(error.description.contains(directory + "/journal"), error.description)
                // The file is left as it was.
                XCTAssertEqual(try fileBytes(directory + "/journal"), bytes)
                return error
            }
        }
        let notJournal = try openError(Array("{\"jobs\": [1, 2, 3]}\n".utf8))
        XCTAssertEqual(notJournal?.kind, .notAJournal)
        XCTAssertTrue(notJournal?.description.contains("not a grow journal") ?? false)
        XCTAssertEqual(try openError(Array("GR".utf8) + [0])?.kind, .notAJournal)

        let newer = try openError(Array("GROWJNL".utf8) + [2])
        XCTAssertEqual(newer?.kind, .unsupportedVersion)
        XCTAssertTrue(newer?.description.contains("version 2") ?? false, newer?.description ?? "")

        var unknownKind = Array("GROWJNL".utf8) + [1]
        Journal.appendFramed(to: &unknownKind) { $0.bytes.append(contentsOf: [200, 1, 2, 3]) }
        let unknown = try openError(unknownKind)
        XCTAssertEqual(unknown?.kind, .unreadableRecord)
        XCTAssertTrue(unknown?.description.contains("kind 200") ?? false, unknown?.description ?? "")

        var malformed = Array("GROWJNL".utf8) + [1]
        Journal.appendFramed(to: &malformed) { $0.bytes.append(contentsOf: [RecordKind.tileFinished.rawValue, 1]) }
        XCTAssertEqual(try openError(malformed)?.kind, .unreadableRecord)
    }

    func testSecondOpenOfTheSameDirectoryIsRefused() throws {
        let directory = newDirectory()
        let (journal, _) = try Journal.open(directory: directory)
        XCTAssertThrowsError(try Journal.open(directory: directory)) { error in
            XCTAssertEqual((error as? JournalError)?.kind, .locked)
        }
        journal.close()
        XCTAssertNoThrow(try reopen(directory))
    }

    func testStateDirectoryThatIsAFileIsAnError() throws {
        let path = root + "/plain-file"
        try Data([1]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Journal.open(directory: path)) { error in
            XCTAssertEqual((error as? JournalError)?.kind, .unreadable)
            XCTAssertTrue("\(error)".contains(path))
        }
    }

    // MARK: Compaction

    func testCompactionDropsOldFinishedJobsAndKeepsUnfinishedOnesExactly() throws {
        let directory = newDirectory()
        let (journal, _) = try Journal.open(directory: directory)
        for job in 1...10 as ClosedRange<UInt32> {
            journal.append(submit(job))
            for index in 0..<200 as Range<UInt32> {
                journal.append(finished(job, index, micros: UInt64(index), worker: "w\(index % 3)"))
            }
            if job == 4 || job == 9 {
                journal.append(.tileFailed(job: job, index: 500, attempts: 3, error: "oops"))
                journal.append(.tileQuarantined(job: job, index: 501, reason: "poison"))
                continue  // unfinished
            }
            if job == 6 {
                journal.append(.jobCancelled(job: job, atUnixMs: 6))
            } else {
                journal.append(.jobFinished(job: job, finishedUnixMs: UInt64(job)))
            }
        }
        journal.close()

        let everything = try reopen(directory, keepFinishedJobs: 100)
        XCTAssertEqual(everything.jobs.map(\.job), Array(1...10))
        let sizeWithAll = try fileBytes(directory + "/journal").count
        XCTAssertLessThan(sizeWithAll, everything.bytesBeforeCompaction / 10)

        let kept = try reopen(directory, keepFinishedJobs: 3)
        XCTAssertEqual(kept.jobs.map(\.job), [4, 7, 8, 9, 10])
        XCTAssertEqual(kept.jobs.filter { !$0.isDone }, everything.jobs.filter { !$0.isDone })
        XCTAssertEqual(kept.jobs.filter(\.isDone), everything.jobs.filter { [7, 8, 10].contains($0.job) })
        XCTAssertEqual(kept.nextJobID, 11)
        XCTAssertLessThan(try fileBytes(directory + "/journal").count, sizeWithAll)

        let unfinished = try XCTUnwrap(kept.jobs.first { $0.job == 4 })
        XCTAssertEqual(unfinished.finished, Array(0..<200))
        XCTAssertEqual(unfinished.failed, [500: "oops"])
        XCTAssertEqual(unfinished.quarantined, [501: "poison"])
        XCTAssertEqual(unfinished.durationMicrosSum, (0..<200).reduce(0, +))
        XCTAssertEqual(unfinished.durationMicrosMax, 199)
        XCTAssertEqual(unfinished.tilesByWorker, ["w0": 67, "w1": 67, "w2": 66])

        // With none kept, job ids are still not reused.
        let none = try reopen(directory, keepFinishedJobs: 0)
        XCTAssertEqual(none.jobs.map(\.job), [4, 9])
        XCTAssertEqual(none.nextJobID, 11)
        let (last, _) = try Journal.open(directory: directory, keepFinishedJobs: 0)
        last.append(.jobFinished(job: 4, finishedUnixMs: 1))
        last.append(.jobFinished(job: 9, finishedUnixMs: 1))
        last.close()
        let empty = try reopen(directory, keepFinishedJobs: 0)
        XCTAssertEqual(empty.jobs, [])
        XCTAssertEqual(empty.nextJobID, 11)
    }

    // MARK: Volume and concurrency

    func testHundredThousandAppendsThenSyncAreAllThere() throws {
        let directory = newDirectory()
        let (journal, _) = try Journal.open(directory: directory)
        journal.append(submit(1))
        let count = 100_000
        let started = Date()
        for index in 0..<UInt32(count) {
            journal.append(
                .tileFinished(
                    job: 1, index: index, attempt: 1, durationMicros: UInt64(index) * 3, worker: "worker-\(index % 16)")
            )
        }
        let appended = Date()
        journal.sync()
        let synced = Date()
        print(
            "journal: \(count) appends in \(ms(appended.timeIntervalSince(started))) ms, "
                + "durable after \(ms(synced.timeIntervalSince(started))) ms, \(journal.bytesWritten) bytes")

        // What a head killed right now would find: the file as it is, lock and all.
        let copy = try self.directory(withJournal: try fileBytes(directory + "/journal"))
        journal.close()
        let state = try reopen(copy)
        XCTAssertEqual(state.droppedTailBytes, 0)
        XCTAssertEqual(state.jobs.first?.finished.count, count)
        XCTAssertEqual(state.jobs.first?.finished.last, UInt32(count - 1))
        XCTAssertEqual(state.jobs.first?.tilesByWorker.count, 16)
        XCTAssertEqual(state.jobs.first?.durationMicrosSum, (0..<UInt64(count)).reduce(0) { $0 + $1 * 3 })
    }

    private func ms(_ seconds: TimeInterval) -> String { String(format: "%.1f", seconds * 1000) }

    func testConcurrentAppendersAndSyncers() throws {
        let directory = newDirectory()
        let (journal, _) = try Journal.open(directory: directory, commitInterval: .milliseconds(1))
        journal.append(submit(1))
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<2000 {
                let index32 = UInt32(thread * 2000 + index)
                journal.append(
                    .tileFinished(job: 1, index: index32, attempt: 1, durationMicros: 1, worker: "w\(thread)"))
                if index % 500 == 0 { journal.sync() }
            }
        }
        journal.sync()
        let copy = try self.directory(withJournal: try fileBytes(directory + "/journal"))
        journal.close()
        journal.close()  // harmless
        journal.append(finished(1, 99_999))  // dropped after close
        XCTAssertEqual(try reopen(copy).jobs.first?.finished, Array(0..<16_000))
        XCTAssertEqual(try reopen(directory).jobs.first?.finished, Array(0..<16_000))
        XCTAssertNil(journal.failure)
    }
}
