import Foundation
import XCTest

@testable import EOData
@testable import EOKernels
@testable import EOPipelines
@testable import Exec
@testable import GDALRaster
@testable import GrowJob
@testable import JobRecords
@testable import ProjectStorage

/// A fresh folder under the system temp directory, removed by the test's teardown.
func makeScratchDirectory(_ test: XCTestCase) throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("exec-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

func commandSpec(_ argv: [String], _ extra: String = "", tiles: String = "4") throws -> JobSpec {
    let command = String(decoding: try JSONEncoder().encode(argv), as: UTF8.self)
    return try JobSpec.parse(
        json: #"{"pipeline": "command", "tiles": \#(tiles), "command": \#(command)\#(extra)}"#, source: "test.json")
}

func tile(_ index: UInt32, in spec: JobSpec, workDir: String, attempt: UInt32 = 1, job: UInt32 = 7) -> TileContext {
    TileContext(job: job, index: index, attempt: attempt, name: spec.tiles.name(of: index), workDir: workDir)
}

/// Runs `body` and says how long it took, in microseconds (a tile's outcome carries no duration:
/// the worker measures it).
func timed(_ body: () async -> TileOutcome) async -> (TileOutcome, UInt64) {
    let start = ContinuousClock.now
    let outcome = await body()
    return (outcome, UInt64(max(0, start.duration(to: .now) / .microseconds(1))))
}
