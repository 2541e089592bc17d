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

/// The Landsat-7 sample scene (scripts/fetch-sample-data puts it in .cache/data).
func sampleScene(file: StaticString = #filePath) throws -> String {
    var folder = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
    while folder.path != "/"
        && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
    {
        folder.deleteLastPathComponent()
    }
    let scene = folder.appendingPathComponent(".cache/data/L7_ETMs.tif").path
    if !FileManager.default.fileExists(atPath: scene) {
        let fetch = Process()
        fetch.executableURL = folder.appendingPathComponent("scripts/fetch-sample-data")
        fetch.standardOutput = FileHandle.nullDevice
        try fetch.run()
        fetch.waitUntilExit()
    }
    guard FileManager.default.fileExists(atPath: scene) else {
        throw XCTSkip("no sample scene at \(scene): run scripts/fetch-sample-data")
    }
    return scene
}

/// Runs every selected tile of `spec` through the executor, as a worker would, and fails the
/// test on a tile that does not finish.
func runAllTiles(_ spec: JobSpec, file: StaticString = #filePath, line: UInt = #line) async {
    for index in spec.selectedTiles {
        let context = TileContext(job: 1, index: index, attempt: 1, name: spec.tiles.name(of: index), workDir: "")
        let outcome = await TileExecutor(eoPipelines: EOPipelineRunner()).run(spec, context, cancellation: TileCancellation())
        if case .failed(_, _, let error) = outcome {
            XCTFail("tile \(context.name): \(error)", file: file, line: line)
        }
    }
}

/// A pipeline config in the demo's shape, parsed as the head would.
func eoSpec(_ json: String, file: StaticString = #filePath, line: UInt = #line) throws -> JobSpec {
    try JobSpec.parse(json: json, source: "test.json", resolveArea: AreaResolver.resolve)
}

func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

let cogValidator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py"
