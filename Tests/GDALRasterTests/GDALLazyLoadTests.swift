import Foundation
import GrowTestSupport
import XCTest

@testable import EOData
@testable import GDALRaster
@testable import GrowJob

/// libgdal is dlopen()ed by the first raster or vector operation, not linked (that an idle head or
/// worker does not map it is IntegrationTests' LazyLibraryTests): the operation maps it.
final class GDALLazyLoadTests: XCTestCase {
    func testARasterOperationMapsGDAL() throws {
        let folder = try makeScratchDirectory(self)
        let grid = try XCTUnwrap(
            TileRasterGrid(
                epsg: 32633, bounds: BoundingBox(minX: 500_000, minY: 0, maxX: 500_040, maxY: 30), resolution: 10))
        let array = NDArray<Float32>(shape: [3, 4, 1], storage: (0..<12).map(Float32.init))
        try RasterWriter.writeLocal(array, grid: grid, path: folder + "/t.tif", format: .geotiff)
        let source = try RasterSource(folder + "/t.tif")
        XCTAssertEqual(try source.read().storage, array.storage)
        XCTAssertEqual(source.epsg, 32633)
        let libraries = try mappedLibraries(getpid())
        XCTAssertTrue(libraries.contains { $0.hasPrefix("libgdal.so") }, "GDAL worked but is not mapped: \(libraries)")
    }
}
