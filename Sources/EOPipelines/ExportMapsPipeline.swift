import EOData
import Foundation
import GDALRaster
import GrowJob

/// One map per tile from one feature, as a Cloud-Optimized GeoTIFF (or a plain tiled GeoTIFF)
/// on the tile's own grid: `<output folder>/<map stem>/tiles/<tile>.tif`. The per-zone mosaics
/// and quicklooks come after the last tile (`MapMosaic`).
enum ExportMapsPipeline {
    static func run(_ tile: EOTile, _ parameters: ExportMapsParameters) throws -> String {
        let folder = tile.patchFolder(parameters.inputFolderKey)
        let patch = try EOPatch.read(from: tile.storage, folder: folder, features: [parameters.feature])
        guard let feature = patch[parameters.feature] else {
            throw EOTileError.input("\(folder) has no \(parameters.feature)")
        }
        let image = try mapImage(feature.float32(), parameters: parameters, location: "\(folder)/\(parameters.feature)")
        guard
            let grid = TileRasterGrid(
                epsg: Int32(patch.bbox.epsg), bounds: patch.bbox.bounds,
                resolution: patch.bbox.bounds.width / Double(image.shape[1])),
            grid.height == image.shape[0]
        else {
            throw EOTileError.input(
                "\(folder): a \(image.shape[0])x\(image.shape[1]) feature does not fit the patch's bbox")
        }
        try tile.checkCancelled()
        let key = "\(tile.folder(parameters.outputFolderKey))/\(parameters.mapStem)/tiles/\(tile.name).tif"
        try RasterWriter.write(
            image, grid: grid, to: tile.storage, key: key, format: parameters.cogify ? .cog : .geotiff,
            dataType: parameters.dtype, noData: parameters.noDataValue)
        return key
    }

    /// The H×W×C image to export: one time frame of a temporal feature, the chosen channels.
    static func mapImage(_ values: NDArray<Float>, parameters: ExportMapsParameters, location: String) throws
        -> NDArray<Float>
    {
        var frame = values
        if parameters.feature.kind.isTemporal {
            guard values.rank == 4, values.shape[0] > 0 else {
                throw EOTileError.input("\(location) has shape \(values.shape); expected T×H×W×C")
            }
            let frames = values.shape[0]
            let time = parameters.timeIndex < 0 ? frames + parameters.timeIndex : parameters.timeIndex
            guard (0..<frames).contains(time) else {
                throw EOTileError.input(
                    "time_index \(parameters.timeIndex) is outside the \(frames) frames of \(location)")
            }
            let size = values.count / frames
            frame = NDArray(
                shape: Array(values.shape.dropFirst()),
                storage: Array(values.storage[(time * size)..<((time + 1) * size)]))
        }
        guard frame.rank == 3 else { throw EOTileError.input("\(location) has shape \(values.shape); expected H×W×C") }
        guard let channels = parameters.bandIndices else { return frame }
        let width = frame.shape[2]
        for channel in channels where channel >= width {
            throw EOTileError.input("band_indices: \(location) has no channel \(channel) (it has \(width))")
        }
        return frame.channels(channels)
    }
}
