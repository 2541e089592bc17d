import EOData
import EOKernels
import Foundation
import GDALRaster
import GrowJob

/// eo-grow's import: the tiff's pixels in the patch's window as `output_feature` (no timestamps,
/// no mask), in the tiff's dtype or `dtype`. grow's scene import: every scene warped into the
/// patch's grid, `data/BANDS` (T×H×W×C, scenes in time order) and `mask/IS_DATA`.
enum ImportPipeline {
    static func run(_ tile: EOTile, _ parameters: ImportParameters) throws -> String {
        guard let place = tile.areaTile else {
            throw EOTileError.input("tile \(tile.name) has no geometry: the import pipeline needs \"area\"")
        }
        switch parameters.source {
        case .tiff(let filename): return try crop(filename, tile, place, parameters)
        case .scenes(let warp): return try scenes(warp, tile, place, parameters)
        }
    }

    private static func crop(
        _ filename: String, _ tile: EOTile, _ place: AreaGrid.Tile, _ parameters: ImportParameters
    ) throws -> String {
        var window = try withRaster(filename, tile: tile, parameters: parameters) { raster in
            try raster.window(of: place.bounds, epsg: place.epsg, fill: parameters.noDataValue ?? .nan)
        }
        if let dtype = parameters.dtype { window = window.converted(to: NpyType(dtype)) }
        let feature = parameters.outputFeature
        if feature.kind.isTemporal { window = window.reshaped([1] + window.shape) }
        var patch = EOPatch(bbox: BBox(place.bounds, epsg: place.epsg))
        patch[feature] = window
        try tile.checkCancelled()
        try patch.write(
            to: tile.storage, folder: tile.patchFolder(parameters.outputFolderKey),
            compress: parameters.compressLevel > 0)
        return "\(filename): \(window.shape.map(String.init).joined(separator: "x")) \(window.type.rawValue)"
    }

    private static func scenes(
        _ warp: ImportParameters.Warp, _ tile: EOTile, _ place: AreaGrid.Tile, _ parameters: ImportParameters
    ) throws -> String {
        guard
            let grid = TileRasterGrid(epsg: place.epsg, bounds: place.bounds, resolution: warp.resolution)
        else {
            throw EOTileError.input(
                "resolution \(JSONValue.format(warp.resolution)) m does not divide the \(JSONValue.format(place.bounds.width)) m tile into whole pixels"
            )
        }
        let scenes = warp.scenes.sorted { $0.timestamp < $1.timestamp }
        var frames: [NDArray<Float>] = []
        for scene in scenes {
            try tile.checkCancelled()
            frames.append(
                try withRaster(scene.path, tile: tile, parameters: parameters) { raster in
                    try raster.warp(
                        into: grid, bands: warp.bands, resampling: warp.resampling, noData: parameters.noDataValue)
                })
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
        patch[parameters.outputFeature] = convert(
            bands, to: parameters.dtype ?? .float32, noData: parameters.noDataValue)
        patch[warp.validDataFeature] = NpyArray(valid)
        try tile.checkCancelled()
        try patch.write(
            to: tile.storage, folder: tile.patchFolder(parameters.outputFolderKey),
            compress: parameters.compressLevel > 0)
        let covered = valid.storage.reduce(0) { $0 + ($1 ? 1 : 0) }
        return "\(scenes.count) scenes, \(grid.width)x\(grid.height) px, \(covered * 100 / max(valid.count, 1))% valid"
    }

    /// Opens a scene (local, http(s)://, s3://, or under `tiff_folder_key`) and runs `body` on it;
    /// a scene in an object store GDAL cannot reach with our credentials is fetched first.
    private static func withRaster<T>(
        _ path: String, tile: EOTile, parameters: ImportParameters, _ body: (RasterSource) throws -> T
    ) throws -> T {
        if path.hasPrefix("s3://") {
            // Another bucket than the project's: reached with the project's storage settings.
            let storage = try ProjectLocation.openStore(path, settings: tile.spec.storageSettings)
            if let path = GDAL.path(of: "", in: storage) { return try body(RasterSource(path)) }
        }
        if path.hasPrefix("/") || path.contains("://") { return try body(RasterSource(path)) }
        let key = tile.folder(parameters.tiffFolderKey) + "/" + path
        if let local = GDAL.path(of: key, in: tile.storage) { return try body(RasterSource(local)) }
        return try RasterWriter.withTemporaryFolder { folder in
            let local = folder + "/" + (path as NSString).lastPathComponent
            try tile.storage.download(key, toFile: local)
            return try body(RasterSource(local))
        }
    }

    /// The stack in the output type; in integer types NaN becomes `noData` (0 when not given)
    /// and values are rounded and clamped to the type's range.
    static func convert(_ bands: NDArray<Float>, to type: NumpyDType, noData: Double?) -> NpyArray {
        let fill = Float(noData ?? 0)
        func integers<T: FixedWidthInteger & NpyElement>(_: T.Type) -> NpyArray {
            NpyArray(
                NDArray(
                    shape: bands.shape,
                    storage: bands.storage.map { value in
                        let rounded = Double(value.isNaN ? fill : value.rounded())
                        return rounded <= Double(T.min) ? T.min : rounded >= Double(T.max) ? T.max : T(rounded)
                    }))
        }
        switch type {
        case .uint8: return integers(UInt8.self)
        case .int8: return integers(Int8.self)
        case .uint16: return integers(UInt16.self)
        case .int16: return integers(Int16.self)
        case .uint32: return integers(UInt32.self)
        case .int32: return integers(Int32.self)
        case .uint64: return integers(UInt64.self)
        case .int64: return integers(Int64.self)
        case .bool, .float16, .float32, .float64: return NpyArray(bands).converted(to: NpyType(type))
        }
    }
}
