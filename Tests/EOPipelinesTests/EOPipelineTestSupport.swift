import EOPipelines
import Exec
import GDALRaster
import GrowJob
import XCTest

/// Runs every selected tile of `spec` through the executor, as a worker would, and fails the
/// test on a tile that does not finish.
func runAllTiles(_ spec: JobSpec, file: StaticString = #filePath, line: UInt = #line) async {
    for index in spec.selectedTiles {
        let context = TileContext(job: 1, index: index, attempt: 1, name: spec.tiles.name(of: index), workDir: "")
        let outcome = await TileExecutor(eoPipelines: EOPipelineRunner()).run(
            spec, context, cancellation: TileCancellation())
        if case .failed(_, let error) = outcome {
            XCTFail("tile \(context.name): \(error)", file: file, line: line)
        }
    }
}

/// A pipeline config in the demo's shape, parsed as the head would.
func eoSpec(_ json: String, file: StaticString = #filePath, line: UInt = #line) throws -> JobSpec {
    try JobSpec.parse(json: json, source: "test.json", resolveArea: AreaResolver.resolve)
}

/// GDAL's COG checker (python3-gdal); RealScenePipelineTests runs it on the exported maps.
let cogValidator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py"
