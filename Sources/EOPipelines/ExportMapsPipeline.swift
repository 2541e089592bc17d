import EOData
import Foundation
import GDALRaster
import GrowJob

/// eo-grow's ExportMapsPipeline, the per-patch half: the feature's values as the map's type
/// (`MapValues`) written as a plain GeoTIFF under eo-grow's interim name, one per time when a
/// temporal feature is split (what eo-grow's head splits out with gdal_translate afterwards, done
/// here on the worker). The head merges them per UTM zone (and time) after the last tile.
enum ExportMapsPipeline {
    static func run(_ tile: EOTile, _ parameters: ExportMapsParameters) throws -> String {
        let folder = tile.patchFolder(parameters.inputFolderKey)
        let ref = parameters.feature
        let patch = try EOPatch.read(from: tile.storage, folder: folder, features: [(ref.kind, ref.name)])
        guard let feature = patch[ref.kind, ref.name] else { throw EOTileError.input("\(folder) has no \(ref)") }
        let values: MapValues
        do {
            values = try MapValues(feature, temporal: ref.kind.isTemporal, parameters: parameters)
        } catch {
            throw EOTileError.input("\(folder)/\(ref) \(error.description)")
        }
        let box = patch.bbox
        // rasterio's transform from the box and the array's size (pixels need not be square).
        let geoTransform = [
            box.minX, (box.maxX - box.minX) / Double(values.width), 0, box.maxY, 0,
            (box.minY - box.maxY) / Double(values.height),
        ]
        let epsg = Int32(box.epsg)
        try tile.checkCancelled()

        let output = tile.folder(parameters.outputFolderKey)
        let patchFile = parameters.interimName(tile.name)
        guard parameters.splitsTime else {
            try PlainGeoTIFF.write(
                values.bytes, bands: values.frames * values.bandsPerFrame, width: values.width, height: values.height,
                dataType: parameters.dtype, geoTransform: geoTransform, epsg: epsg, noData: parameters.noDataValue,
                to: tile.storage, key: output + "/" + patchFile)
            return "\(values.frames * values.bandsPerFrame) bands"
        }
        guard patch.timestamps.count == values.frames else {
            throw EOTileError.input(
                "\(folder): \(ref) has \(values.frames) frames but the patch \(patch.timestamps.count) timestamps")
        }
        let frameBytes = values.bytes.count / max(values.frames, 1)
        for (frame, time) in patch.timestamps.enumerated() {
            let key = ExportMapsLayout.splitKey(
                parameters, output: output, patch: tile.name, epsg: epsg, time: ExportMapsLayout.timeName(time))
            try PlainGeoTIFF.write(
                Array(values.bytes[(frame * frameBytes)..<((frame + 1) * frameBytes)]), bands: values.bandsPerFrame,
                width: values.width, height: values.height, dataType: parameters.dtype, geoTransform: geoTransform,
                epsg: epsg, noData: parameters.noDataValue, to: tile.storage, key: key)
            try tile.checkCancelled()
        }
        return "\(values.frames) times of \(values.bandsPerFrame) bands"
    }
}
