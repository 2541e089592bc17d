import CGDAL
import EOData
import GrowJob

/// A raster opened for reading (GeoTIFF, COG, anything GDAL reads) from a local path, over HTTP
/// with range reads, or from S3. Closed when the value is released.
package final class RasterSource: @unchecked Sendable {
    package let location: String
    let handle: GDALDatasetH

    package init(_ location: String) throws(RasterError) {
        try GDAL.load { RasterError(location, $0) }
        self.location = location
        guard
            let handle = GDALOpenEx(GDAL.path(for: location), UInt32(GDAL_OF_RASTER | GDAL_OF_READONLY), nil, nil, nil)
        else {
            throw RasterError(location, GDAL.lastError("cannot open as a raster"), retryable: false)
        }
        self.handle = handle
    }

    deinit { GDALClose(handle) }

    package var width: Int { Int(GDALGetRasterXSize(handle)) }
    package var height: Int { Int(GDALGetRasterYSize(handle)) }
    package var bandCount: Int { Int(GDALGetRasterCount(handle)) }

    /// The affine transform (origin and pixel size), nil when the raster has none.
    package var geoTransform: [Double]? {
        var transform = [Double](repeating: 0, count: 6)
        return GDALGetGeoTransform(handle, &transform) == CE_None ? transform : nil
    }

    /// The EPSG code of the raster's CRS, when GDAL can name one.
    package var epsg: Int32? {
        guard let wkt = GDALGetProjectionRef(handle), wkt.pointee != 0 else { return nil }
        let srs = OSRNewSpatialReference(wkt)
        defer { OSRDestroySpatialReference(srs) }
        _ = OSRAutoIdentifyEPSG(srs)
        guard let code = OSRGetAuthorityCode(srs, nil) else { return nil }
        return Int32(String(cString: code))
    }

    /// The nodata value of band 1, if set.
    package var noData: Double? {
        guard bandCount > 0, let band = GDALGetRasterBand(handle, 1) else { return nil }
        var hasValue: Int32 = 0
        let value = GDALGetRasterNoDataValue(band, &hasValue)
        return hasValue != 0 ? value : nil
    }

    /// Warps `bands` (1-based) into `grid` and returns them as H×W×C Float32; pixels the scene
    /// does not cover, and source nodata, come out as NaN.
    package func warp(
        into grid: TileRasterGrid, bands: [Int]? = nil, resampling: Resampling = .bilinear, noData: Double? = nil
    ) throws(RasterError) -> NDArray<Float32> {
        let wanted = bands ?? Array(1...max(bandCount, 1))
        for band in wanted where band < 1 || band > bandCount {
            throw RasterError(location, "has no band \(band) (it has \(bandCount))", retryable: false)
        }
        // GDAL 3.6's warp has no band selection (-b came in 3.7): warp all, then keep `wanted`.
        let bands = Array(1...max(bandCount, 1))
        guard let wkt = GDAL.wkt(epsg: grid.epsg) else {
            throw RasterError(location, "unknown target CRS EPSG:\(grid.epsg)", retryable: false)
        }
        guard let memory = GDALGetDriverByName("MEM"),
            let target = GDALCreate(
                memory, "", Int32(grid.width), Int32(grid.height), Int32(bands.count), GDT_Float32, nil)
        else { throw RasterError(location, GDAL.lastError("cannot allocate the tile's raster")) }
        defer { GDALClose(target) }
        var transform = grid.geoTransform
        GDALSetGeoTransform(target, &transform)
        GDALSetProjection(target, wkt)
        for band in 1...bands.count { GDALSetRasterNoDataValue(GDALGetRasterBand(target, Int32(band)), .nan) }

        var arguments = ["-r", resampling.rawValue, "-dstnodata", "nan", "-wo", "INIT_DEST=NO_DATA", "-q"]
        if let source = noData ?? self.noData { arguments += ["-srcnodata", String(source)] }
        let argv = GDAL.stringList(arguments)
        defer { CSLDestroy(argv) }
        guard let options = GDALWarpAppOptionsNew(argv, nil) else {
            throw RasterError(location, GDAL.lastError("bad warp options"))
        }
        defer { GDALWarpAppOptionsFree(options) }
        var sources: [GDALDatasetH?] = [handle]
        var usageError: Int32 = 0
        guard GDALWarp(nil, target, 1, &sources, options, &usageError) != nil else {
            throw RasterError(location, GDAL.lastError("cannot warp into EPSG:\(grid.epsg)"))
        }
        let all = try readInterleaved(target, width: grid.width, height: grid.height, bands: bands.count)
        return wanted == bands ? all : all.channels(wanted.map { $0 - 1 })
    }

    /// All of the raster's `bands` as H×W×C Float32, in its own grid.
    package func read(bands: [Int]? = nil) throws(RasterError) -> NDArray<Float32> {
        let bands = bands ?? Array(1...max(bandCount, 1))
        var list = bands.map(Int32.init)
        var array = NDArray<Float32>(shape: [height, width, bands.count], repeating: 0)
        let status = array.storage.withUnsafeMutableBytes { raw in
            GDALDatasetRasterIO(
                handle, GF_Read, 0, 0, Int32(width), Int32(height), raw.baseAddress, Int32(width), Int32(height),
                GDT_Float32, Int32(bands.count), &list, Int32(4 * bands.count), Int32(4 * bands.count * width), 4)
        }
        guard status == CE_None else { throw RasterError(location, GDAL.lastError("cannot read")) }
        return array
    }

    private func readInterleaved(_ dataset: GDALDatasetH, width: Int, height: Int, bands: Int)
        throws(RasterError) -> NDArray<Float32>
    {
        var array = NDArray<Float32>(shape: [height, width, bands], repeating: .nan)
        let status = array.storage.withUnsafeMutableBytes { raw in
            GDALDatasetRasterIO(
                dataset, GF_Read, 0, 0, Int32(width), Int32(height), raw.baseAddress, Int32(width), Int32(height),
                GDT_Float32, Int32(bands), nil, Int32(4 * bands), Int32(4 * bands * width), 4)
        }
        guard status == CE_None else { throw RasterError(location, GDAL.lastError("cannot read the warped tile")) }
        return array
    }
}
