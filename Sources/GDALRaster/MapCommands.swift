import CGDAL
import GrowJob

/// GDAL's command-line utilities as eo-grow runs them on maps, called as library functions
/// with the same arguments (so the same GDAL gives the same pixels).
enum MapCommands {
    /// eo-grow's `merge_tiffs`: `gdalwarp -co BIGTIFF=YES -co compress=LZW -co TILED=YES
    /// -overwrite [-r …] [-dstnodata …] -ot …`.
    static func warpArguments(_ parameters: ExportMapsParameters) -> [String] {
        var arguments = ["-co", "BIGTIFF=YES", "-co", "compress=LZW", "-co", "TILED=YES", "-overwrite"]
        if let resampling = parameters.warpResampling { arguments += ["-r", resampling] }
        if let noData = parameters.noDataValue { arguments += ["-dstnodata", "\(noData)"] }
        return arguments + ["-ot", parameters.dtype.gdalName]
    }

    /// eo-grow's `cogify` with its 1024-pixel blocks.
    static func cogArguments(_ parameters: ExportMapsParameters) -> [String] {
        var arguments = [
            "-of", "COG", "-co", "COMPRESS=DEFLATE", "-co", "BLOCKSIZE=1024", "-co", "OVERVIEWS=IGNORE_EXISTING", "-co",
            "PREDICTOR=YES",
        ]
        if let resampling = parameters.cogResampling { arguments += ["-co", "RESAMPLING=\(resampling)"] }
        if let noData = parameters.noDataValue { arguments += ["-a_nodata", "\(noData)"] }
        return arguments + ["-ot", parameters.dtype.gdalName]
    }

    static func warp(_ sources: [String], to path: String, arguments: [String]) throws(RasterError) {
        var datasets: [GDALDatasetH?] = []
        defer { datasets.forEach { GDALClose($0) } }
        for source in sources {
            guard let dataset = GDALOpen(source, GA_ReadOnly) else {
                throw RasterError(source, GDAL.lastError("cannot open"))
            }
            datasets.append(dataset)
        }
        let list = GDAL.stringList(arguments + ["-q"])
        defer { CSLDestroy(list) }
        guard let options = GDALWarpAppOptionsNew(list, nil) else {
            throw RasterError(path, GDAL.lastError("bad warp options"), retryable: false)
        }
        defer { GDALWarpAppOptionsFree(options) }
        var usageError: Int32 = 0
        let output = datasets.withUnsafeMutableBufferPointer { buffer in
            GDALWarp(path, nil, Int32(buffer.count), buffer.baseAddress, options, &usageError)
        }
        guard let output else { throw RasterError(path, GDAL.lastError("cannot merge the maps")) }
        GDALClose(output)
    }

    static func translate(_ source: String, to path: String, arguments: [String]) throws(RasterError) {
        guard let input = GDALOpen(source, GA_ReadOnly) else {
            throw RasterError(source, GDAL.lastError("cannot open"))
        }
        defer { GDALClose(input) }
        let list = GDAL.stringList(arguments + ["-q"])
        defer { CSLDestroy(list) }
        guard let options = GDALTranslateOptionsNew(list, nil) else {
            throw RasterError(path, GDAL.lastError("bad translate options"), retryable: false)
        }
        defer { GDALTranslateOptionsFree(options) }
        var usageError: Int32 = 0
        guard let output = GDALTranslate(path, input, options, &usageError) else {
            throw RasterError(path, GDAL.lastError("cannot write"))
        }
        GDALClose(output)
    }

    static func buildVRT(_ path: String, from sources: [String]) throws(RasterError) {
        var names = sources.map { strdup($0) }
        defer { names.forEach { free($0) } }
        let arguments = GDAL.stringList(["-q"])
        defer { CSLDestroy(arguments) }
        guard let options = GDALBuildVRTOptionsNew(arguments, nil) else {
            throw RasterError(path, GDAL.lastError("bad VRT options"))
        }
        defer { GDALBuildVRTOptionsFree(options) }
        var usageError: Int32 = 0
        let result = names.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { pointer in
                GDALBuildVRT(path, Int32(sources.count), nil, pointer, options, &usageError)
            }
        }
        guard let result else { throw RasterError(path, GDAL.lastError("cannot build the maps' VRT")) }
        GDALClose(result)
    }
}

extension RasterDataType {
    /// GDAL's name of the type (`-ot`).
    var gdalName: String {
        switch self {
        case .uint8: "Byte"
        case .uint16: "UInt16"
        case .int16: "Int16"
        case .float32: "Float32"
        }
    }
}
