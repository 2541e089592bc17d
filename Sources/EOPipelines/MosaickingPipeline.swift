import EOData
import EOKernels
import GrowJob

/// A temporal composite per tile over valid observations: median, mean or the max-NDVI
/// observation, written as `data_timeless/<output_feature_name>` (H×W×C Float32).
enum MosaickingPipeline {
    static func run(_ tile: EOTile, _ parameters: MosaickingParameters) throws -> String {
        var wanted = [parameters.feature]
        if let valid = parameters.validDataFeature { wanted.append(valid) }
        let folder = tile.patchFolder(parameters.inputFolderKey)
        let input = try EOPatch.read(from: tile.storage, folder: folder, features: wanted)
        guard let values = input[parameters.feature]?.float32() else {
            throw EOTileError.input("\(folder) has no \(parameters.feature)")
        }
        let valid = parameters.validDataFeature.flatMap { input[$0]?.nonZero() }
        try tile.checkCancelled()
        let mosaic: NDArray<Float>
        switch parameters.method {
        case .median:
            mosaic = try valid.map { try Kernels.nanMedian(values, valid: $0) } ?? Kernels.nanMedian(values)
        case .mean:
            mosaic = try valid.map { try Kernels.nanMean(values, valid: $0) } ?? Kernels.nanMean(values)
        case .maxNDVI:
            let (nir, red) = (parameters.nirChannel, parameters.redChannel)
            mosaic =
                try valid.map { try Kernels.maxNDVIComposite(values, nir: nir, red: red, valid: $0) }
                ?? Kernels.maxNDVIComposite(values, nir: nir, red: red)
        }
        var output = EOPatch(bbox: input.bbox, timestamps: [])
        output[FeatureRef(kind: .dataTimeless, name: parameters.outputFeatureName)] = NpyArray(mosaic)
        try tile.checkCancelled()
        try output.write(
            to: tile.storage, folder: tile.patchFolder(parameters.outputFolderKey),
            compress: parameters.compressLevel > 0)
        return "\(parameters.method.rawValue) of \(values.shape[0]) frames"
    }
}
