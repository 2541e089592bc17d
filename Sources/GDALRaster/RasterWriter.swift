import CGDAL
import EOData
import Foundation
import GrowJob
import ProjectStorage

/// Writes tile arrays as GeoTIFF or Cloud-Optimized GeoTIFF into project storage. The file is
/// made in a local temporary folder and then uploaded all-or-nothing, so a map that exists is a
/// whole map.
package enum RasterWriter {
    package enum Format: String, Sendable, Codable {
        case geotiff = "GTiff"
        case cog = "COG"
    }

    /// Writes `array` (H×W×C) on `grid` to `key`. NaN becomes `noData` (for integer types) or
    /// stays NaN (for floats, which then use NaN as nodata).
    package static func write(
        _ array: NDArray<Float32>, grid: TileRasterGrid, to storage: any ProjectStore, key: String,
        format: Format = .cog, dataType: RasterDataType = .float32, noData: Double? = nil
    ) throws {
        try withTemporaryFolder { folder in
            let local = folder + "/" + ((key as NSString).lastPathComponent)
            try writeLocal(array, grid: grid, path: local, format: format, dataType: dataType, noData: noData)
            try storage.upload(key, fromFile: local)
        }
    }

    /// Writes to a local path (the caller uploads it or it is the final place).
    package static func writeLocal(
        _ array: NDArray<Float32>, grid: TileRasterGrid, path: String, format: Format = .cog,
        dataType: RasterDataType = .float32, noData: Double? = nil
    ) throws(RasterError) {
        try GDAL.load { RasterError(path, $0) }
        guard array.rank == 3, array.shape[0] == grid.height, array.shape[1] == grid.width else {
            throw RasterError(path, "array of shape \(array.shape) does not fit a \(grid.height)x\(grid.width) tile")
        }
        let bands = array.shape[2]
        guard let wkt = GDAL.wkt(epsg: grid.epsg) else { throw RasterError(path, "unknown CRS EPSG:\(grid.epsg)") }
        guard let memory = GDALGetDriverByName("MEM"),
            let dataset = GDALCreate(
                memory, "", Int32(grid.width), Int32(grid.height), Int32(bands), dataType.gdal, nil)
        else { throw RasterError(path, GDAL.lastError("cannot allocate the raster")) }
        defer { GDALClose(dataset) }
        var transform = grid.geoTransform
        GDALSetGeoTransform(dataset, &transform)
        GDALSetProjection(dataset, wkt)

        let fill = dataType.isFloat ? Double.nan : (noData ?? 0)
        var values = array.storage
        if !dataType.isFloat {
            let replacement = Float32(fill)
            for index in values.indices where values[index].isNaN { values[index] = replacement }
        }
        for band in 1...bands {
            let handle = GDALGetRasterBand(dataset, Int32(band))
            if dataType.isFloat || noData != nil { GDALSetRasterNoDataValue(handle, fill) }
        }
        let status = values.withUnsafeMutableBytes { raw in
            GDALDatasetRasterIO(
                dataset, GF_Write, 0, 0, Int32(grid.width), Int32(grid.height), raw.baseAddress, Int32(grid.width),
                Int32(grid.height), GDT_Float32, Int32(bands), nil, Int32(4 * bands), Int32(4 * bands * grid.width), 4)
        }
        guard status == CE_None else { throw RasterError(path, GDAL.lastError("cannot fill the raster")) }
        try copy(dataset, to: path, format: format, dataType: dataType)
    }

    /// Copies an open dataset to `path` as GeoTIFF or COG (DEFLATE, tiled, with overviews).
    static func copy(_ dataset: GDALDatasetH, to path: String, format: Format, dataType: RasterDataType)
        throws(RasterError)
    {
        guard let driver = GDALGetDriverByName(format.rawValue) else {
            throw RasterError(path, "this GDAL has no \(format.rawValue) driver")
        }
        var options = ["COMPRESS=DEFLATE", "PREDICTOR=\(dataType.isFloat ? 3 : 2)"]
        switch format {
        case .cog: options += ["BLOCKSIZE=256", "OVERVIEWS=AUTO", "NUM_THREADS=1"]
        case .geotiff: options += ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256"]
        }
        let list = GDAL.stringList(options)
        defer { CSLDestroy(list) }
        guard let output = GDALCreateCopy(driver, path, dataset, 0, list, nil, nil) else {
            throw RasterError(path, GDAL.lastError("cannot write \(format.rawValue)"))
        }
        GDALClose(output)
        if CPLGetLastErrorType() == CE_Failure { throw RasterError(path, GDAL.lastError("write failed")) }
    }

    /// Runs `body` with a fresh private temporary folder that is removed afterwards.
    package static func withTemporaryFolder<Result>(_ body: (String) throws -> Result) throws -> Result {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/grow-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw RasterError(base, "cannot make a temporary folder: \(String(cString: strerror(errno)))")
        }
        let folder = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try body(folder)
    }
}
