import CGDAL
import Foundation
import GrowJob

/// After the last tile of `export_maps`: the per-tile maps merged into one COG per UTM zone
/// (`<map stem>_<EPSG>.tif`) through a GDAL VRT, and a PNG quicklook of each (at most 1024 px on
/// its longer side; NDVI in a brown-to-green ramp, anything else in grey scaled to its range).
package enum MapMosaic {
    package struct Output: Sendable, Equatable {
        package var epsg: Int32
        package var tiles: Int
        package var mosaicKey: String
        package var quicklookKey: String?
    }

    package static func build(spec: JobSpec, finishedTiles: [String]) throws -> [Output] {
        guard case .exportMaps(let parameters)? = spec.eo, let projectFolder = spec.projectFolder else { return [] }
        try GDAL.load { RasterError(projectFolder.description, $0) }
        let storage = try projectFolder.openStore(spec.storageSettings)
        let folder =
            (spec.folder(forKey: parameters.outputFolderKey) ?? parameters.outputFolderKey) + "/" + parameters.mapStem
        return try RasterWriter.withTemporaryFolder { temporary in
            var byZone: [Int32: [String]] = [:]
            for name in finishedTiles.sorted() {
                let key = "\(folder)/tiles/\(name).tif"
                var local = GDAL.path(of: key, in: storage)
                if local == nil {
                    local = temporary + "/" + name + ".tif"
                    try storage.download(key, toFile: local ?? "")
                }
                guard let local else { continue }
                let epsg = try zone(of: name, spec: spec) ?? RasterSource(local).epsg ?? 0
                byZone[epsg, default: []].append(local)
            }
            var outputs: [Output] = []
            for (epsg, paths) in byZone.sorted(by: { $0.key < $1.key }) {
                let stem = "\(parameters.mapStem)_\(epsg)"
                let vrt = temporary + "/\(stem).vrt"
                try buildVRT(vrt, from: paths)
                let mosaic = temporary + "/\(stem).tif"
                try translate(
                    vrt, to: mosaic,
                    arguments: ["-of", parameters.cogify ? "COG" : "GTiff", "-co", "COMPRESS=DEFLATE"]
                        + (parameters.cogify ? ["-co", "BLOCKSIZE=256"] : ["-co", "TILED=YES"]))
                try storage.upload("\(folder)/\(stem).tif", fromFile: mosaic)
                var quicklookKey: String?
                if parameters.quicklook != .none {
                    let png = temporary + "/\(stem).png"
                    try quicklook(of: mosaic, to: png, style: parameters.quicklook, work: temporary)
                    quicklookKey = "\(folder)/\(stem).png"
                    try storage.upload(quicklookKey ?? "", fromFile: png)
                }
                outputs.append(
                    Output(
                        epsg: epsg, tiles: paths.count, mosaicKey: "\(folder)/\(stem).tif", quicklookKey: quicklookKey))
            }
            return outputs
        }
    }

    private static func zone(of name: String, spec: JobSpec) -> Int32? {
        guard let index = spec.tiles.index(named: name), Int(index) < spec.tiles.areaTiles.count else { return nil }
        return spec.tiles.areaTiles[Int(index)].epsg
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
        guard let result else { throw RasterError(path, GDAL.lastError("cannot build the mosaic's VRT")) }
        GDALClose(result)
    }

    static func translate(_ source: String, to path: String, arguments: [String]) throws(RasterError) {
        guard let input = GDALOpen(source, GA_ReadOnly) else {
            throw RasterError(source, GDAL.lastError("cannot open"))
        }
        defer { GDALClose(input) }
        let list = GDAL.stringList(arguments + ["-q"])
        defer { CSLDestroy(list) }
        guard let options = GDALTranslateOptionsNew(list, nil) else {
            throw RasterError(path, GDAL.lastError("bad translate options"))
        }
        defer { GDALTranslateOptionsFree(options) }
        var usageError: Int32 = 0
        guard let output = GDALTranslate(path, input, options, &usageError) else {
            throw RasterError(path, GDAL.lastError("cannot write"))
        }
        GDALClose(output)
    }

    /// A small PNG of band 1 for people to look at.
    static func quicklook(of mosaic: String, to png: String, style: ExportMapsParameters.Quicklook, work: String)
        throws(RasterError)
    {
        guard let input = GDALOpen(mosaic, GA_ReadOnly) else {
            throw RasterError(mosaic, GDAL.lastError("cannot open"))
        }
        let width = Int(GDALGetRasterXSize(input))
        let height = Int(GDALGetRasterYSize(input))
        var minimum = 0.0
        var maximum = 1.0
        if style == .gray, let band = GDALGetRasterBand(input, 1) {
            var statistics = [Double](repeating: 0, count: 2)
            if GDALComputeRasterMinMax(band, 0, &statistics) == CE_None {
                minimum = statistics[0]
                maximum = max(statistics[1], statistics[0] + 1e-6)
            }
        }
        GDALClose(input)
        let scale = min(1.0, 1024.0 / Double(max(width, height)))
        let size = [
            "-outsize", String(max(1, Int(Double(width) * scale))), String(max(1, Int(Double(height) * scale))),
        ]
        switch style {
        case .none:
            return
        case .gray:
            try translate(
                mosaic, to: png,
                arguments: [
                    "-of", "PNG", "-b", "1", "-ot", "Byte", "-scale", "\(minimum)", "\(maximum)", "1", "255",
                    "-a_nodata", "0",
                ] + size + ["-r", "average"])
        case .ndvi:
            let small = work + "/quicklook-small.tif"
            try translate(mosaic, to: small, arguments: ["-of", "GTiff", "-b", "1"] + size + ["-r", "average"])
            let colours = work + "/ndvi-colours.txt"
            let ramp =
                "nv 0 0 0 0\n-1 0 0 128 255\n0 165 130 90 255\n0.2 220 200 120 255\n0.4 140 190 80 255\n0.6 60 150 50 255\n1 0 90 20 255\n"
            guard FileManager.default.createFile(atPath: colours, contents: Data(ramp.utf8)) else {
                throw RasterError(colours, "cannot write the colour ramp")
            }
            guard let source = GDALOpen(small, GA_ReadOnly) else {
                throw RasterError(small, GDAL.lastError("cannot open"))
            }
            defer { GDALClose(source) }
            let list = GDAL.stringList(["-of", "PNG", "-alpha", "-q"])
            defer { CSLDestroy(list) }
            guard let options = GDALDEMProcessingOptionsNew(list, nil) else {
                throw RasterError(png, GDAL.lastError("bad colour options"))
            }
            defer { GDALDEMProcessingOptionsFree(options) }
            var usageError: Int32 = 0
            guard let output = GDALDEMProcessing(png, source, "color-relief", colours, options, &usageError) else {
                throw RasterError(png, GDAL.lastError("cannot colour the quicklook"))
            }
            GDALClose(output)
        }
    }
}
