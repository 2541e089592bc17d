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
