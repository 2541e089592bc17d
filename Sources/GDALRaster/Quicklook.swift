import CGDAL
import Foundation
import GrowJob

/// grow's extra `quicklook`: a small PNG of a map's band 1 for people to look at (at most 1024
/// pixels on its longer side): grey scaled to the band's range, or an NDVI colour ramp.
enum Quicklook {
    static func write(of map: String, to png: String, style: ExportMapsParameters.Quicklook, work: String)
        throws(RasterError)
    {
        guard let input = GDALOpen(map, GA_ReadOnly) else {
            throw RasterError(map, GDAL.lastError("cannot open"))
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
            try MapCommands.translate(
                map, to: png,
                arguments: [
                    "-of", "PNG", "-b", "1", "-ot", "Byte", "-scale", "\(minimum)", "\(maximum)", "1", "255",
                    "-a_nodata", "0",
                ] + size + ["-r", "average"])
        case .ndvi:
            let small = work + "/quicklook-small.tif"
            try MapCommands.translate(
                map, to: small, arguments: ["-of", "GTiff", "-b", "1", "-ot", "Float32"] + size + ["-r", "average"])
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
