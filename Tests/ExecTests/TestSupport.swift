import Exec
import Foundation
import GrowJob

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
