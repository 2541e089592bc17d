import EOData
import EOKernels
import Foundation
import GDALRaster
import GrowJob

/// Warps every scene into the tile's grid: `data/BANDS` (T×H×W×C, scenes in time order) and
/// `mask/IS_DATA` (T×H×W×1: the scene covers the pixel and no band is nodata).
enum ImportPipeline {
    static func run(_ tile: EOTile, _ parameters: ImportParameters) throws -> String {
        guard let place = tile.areaTile else {
            throw EOTileError.input("tile \(tile.name) has no geometry: the import pipeline needs \"area\"")
        }
        guard
            let grid = TileRasterGrid(epsg: place.epsg, bounds: place.bounds, resolution: parameters.resolution)
        else {
            throw EOTileError.input(
                "resolution \(JSONValue.format(parameters.resolution)) m does not divide the \(JSONValue.format(place.bounds.width)) m tile into whole pixels"
            )
        }
        let scenes = parameters.scenes.sorted { $0.timestamp < $1.timestamp }
        var frames: [NDArray<Float>] = []
        for scene in scenes {
            try tile.checkCancelled()
            frames.append(try warp(scene, into: grid, tile: tile, parameters: parameters))
        }
        let channels = frames[0].shape[2]
        for (scene, frame) in zip(scenes, frames) where frame.shape[2] != channels {
            throw EOTileError.input("scene \(scene.path) has \(frame.shape[2]) bands, the first scene \(channels)")
        }
        var stack = [Float]()
        stack.reserveCapacity(frames.count * grid.height * grid.width * channels)
        for frame in frames { stack += frame.storage }
        let bands = NDArray(shape: [frames.count, grid.height, grid.width, channels], storage: stack)
        let valid = try Kernels.validDataMask(bands, nodata: nil, rule: .anyChannel)

        var patch = EOPatch(bbox: BBox(place.bounds, epsg: place.epsg), timestamps: scenes.map(\.timestamp))
        patch[parameters.outputFeature] = convert(bands, to: parameters.dtype, noData: parameters.noDataValue)
        patch[parameters.validDataFeature] = NpyArray(valid)
        try tile.checkCancelled()
        try patch.write(
            to: tile.storage, folder: tile.patchFolder(parameters.outputFolderKey),
            compress: parameters.compressLevel > 0)
        let covered = valid.storage.reduce(0) { $0 + ($1 ? 1 : 0) }
        return "\(scenes.count) scenes, \(grid.width)x\(grid.height) px, \(covered * 100 / max(valid.count, 1))% valid"
    }

    /// One scene in the tile's grid as H×W×C Float32 (NaN outside the scene and at nodata).
    private static func warp(
        _ scene: ImportParameters.Scene, into grid: TileRasterGrid, tile: EOTile, parameters: ImportParameters
    ) throws -> NDArray<Float> {
        if scene.path.hasPrefix("s3://") {
            // Another bucket than the project's: reached with the project's storage settings.
            let storage = try ProjectLocation.openStore(scene.path, settings: tile.spec.storageSettings)
            if let path = GDAL.path(of: "", in: storage) {
                return try RasterSource(path).warp(
                    into: grid, bands: parameters.bands, resampling: parameters.resampling,
                    noData: parameters.noDataValue)
            }
        }
        let isAbsolute = scene.path.hasPrefix("/") || scene.path.contains("://")
        if isAbsolute {
            return try RasterSource(scene.path).warp(
                into: grid, bands: parameters.bands, resampling: parameters.resampling, noData: parameters.noDataValue)
        }
        let key = tile.folder(parameters.tiffFolderKey ?? "input_data") + "/" + scene.path
        if let local = GDAL.path(of: key, in: tile.storage) {
            return try RasterSource(local).warp(
                into: grid, bands: parameters.bands, resampling: parameters.resampling, noData: parameters.noDataValue)
        }
        // An object store GDAL cannot reach with our credentials: fetch the scene once per tile.
        return try RasterWriter.withTemporaryFolder { folder in
            let local = folder + "/" + (scene.path as NSString).lastPathComponent
            try tile.storage.download(key, toFile: local)
            return try RasterSource(local).warp(
                into: grid, bands: parameters.bands, resampling: parameters.resampling, noData: parameters.noDataValue)
        }
    }

    /// The stack in the output type; NaN becomes `noData` (0 when not given) in integer types.
    static func convert(_ bands: NDArray<Float>, to type: RasterDataType, noData: Double?) -> NpyArray {
        let fill = Float(noData ?? 0)
        func integers<T: BinaryInteger>(_: T.Type, _ range: ClosedRange<Float>) -> [T] {
            bands.storage.map { value in
                let v = value.isNaN ? fill : min(max(value.rounded(), range.lowerBound), range.upperBound)
                return T(v)
            }
        }
        switch type {
        case .float32: return NpyArray(bands)
        case .uint8: return NpyArray(NDArray(shape: bands.shape, storage: integers(UInt8.self, 0...255)))
        case .uint16: return NpyArray(NDArray(shape: bands.shape, storage: integers(UInt16.self, 0...65535)))
        case .int16: return NpyArray(NDArray(shape: bands.shape, storage: integers(Int16.self, -32768...32767)))
        }
    }
}
