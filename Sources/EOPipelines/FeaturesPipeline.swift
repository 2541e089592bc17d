import EOData
import EOKernels
import Foundation
import GrowJob

/// Normalized difference indices and the valid-data mask of a tile: `data/<index>` for every
/// index, `mask/VALID_DATA`, and `data/<output_feature_name>` (the bands as Float32 followed by
/// the indices, eo-grow's FEATURES). With `"interpolation": "linear"`, invalid observations are
/// filled from their neighbours in time first.
enum FeaturesPipeline {
    static let validDataName = "VALID_DATA"

    static func run(_ tile: EOTile, _ parameters: FeaturesParameters) throws -> String {
        let bandsRef = FeatureRef(kind: .data, name: parameters.bandsFeatureName)
        var wanted = [bandsRef]
        let validRef = parameters.validDataFeatureName.map { FeatureRef(kind: .mask, name: $0) }
        let cloudRef = parameters.cloudMaskFeatureName.map { FeatureRef(kind: .mask, name: $0) }
        if let validRef { wanted.append(validRef) }
        if let cloudRef { wanted.append(cloudRef) }
        let input = try EOPatch.read(
            from: tile.storage, folder: tile.patchFolder(parameters.inputFolderKey), features: wanted)
        guard let bands = input[bandsRef] else {
            throw EOTileError.input("\(tile.patchFolder(parameters.inputFolderKey)) has no \(bandsRef)")
        }
        guard bands.shape.count == 4 else {
            throw EOTileError.input("\(bandsRef) has shape \(bands.shape); expected T×H×W×C")
        }
        for index in parameters.indices where max(index.first, index.second) >= bands.shape[3] {
            throw EOTileError.input(
                "ndis.\(index.name) uses channel \(max(index.first, index.second)) but \(bandsRef) has \(bands.shape[3])"
            )
        }
        try tile.checkCancelled()

        var masks: [ObservationMask] = []
        if let validRef, let mask = input[validRef] {
            masks.append(ObservationMask(mask.nonZero(), meaning: .validWhereSet))
        }
        if let cloudRef, let mask = input[cloudRef] {
            masks.append(ObservationMask(mask.nonZero(), meaning: .invalidWhereSet))
        }
        var stack = bands.float32()
        let valid = try Kernels.validDataMask(stack, nodata: nil, rule: .anyChannel, masks: masks)

        var output = EOPatch(bbox: input.bbox, timestamps: input.timestamps)
        var indices: [NDArray<Float>] = []
        for index in parameters.indices {
            var values = try normalizedDifference(bands, index.first, index.second)
            if parameters.interpolate {
                values = try Kernels.interpolateInvalid(values, valid: valid, times: dayNumbers(input))
            }
            indices.append(values)
            output[FeatureRef(kind: .data, name: index.name)] = NpyArray(values)
        }
        if parameters.interpolate {
            stack = try Kernels.interpolateInvalid(stack, valid: valid, times: dayNumbers(input))
        }
        output[FeatureRef(kind: .mask, name: validDataName)] = NpyArray(valid)
        if let name = parameters.outputFeatureName {
            output[FeatureRef(kind: .data, name: name)] = NpyArray(concatenateChannels([stack] + indices))
        }
        try tile.checkCancelled()
        try output.write(
            to: tile.storage, folder: tile.patchFolder(parameters.outputFolderKey),
            compress: parameters.compressLevel > 0)
        return "\(parameters.indices.map(\.name).joined(separator: ", ")) over \(bands.shape[0]) frames"
    }

    /// The index straight from the stored type (no Float32 copy of the stack for integer bands).
    private static func normalizedDifference(_ bands: NpyArray, _ a: Int, _ b: Int) throws -> NDArray<Float> {
        switch bands {
        case .uint8(let stack): try Kernels.normalizedDifference(stack, channels: a, b)
        case .uint16(let stack): try Kernels.normalizedDifference(stack, channels: a, b)
        case .int16(let stack): try Kernels.normalizedDifference(stack, channels: a, b)
        default: try Kernels.normalizedDifference(bands.float32(), channels: a, b)
        }
    }

    /// Observation times in days since the first, for interpolation.
    private static func dayNumbers(_ patch: EOPatch) -> [Double] {
        guard let first = patch.timestamps.first else { return [] }
        return patch.timestamps.map { $0.timeIntervalSince(first) / 86_400 }
    }

    /// T×H×W×C₁, T×H×W×C₂, … → T×H×W×(C₁+C₂+…).
    static func concatenateChannels(_ arrays: [NDArray<Float>]) -> NDArray<Float> {
        let pixels = arrays[0].count / arrays[0].shape.last!
        let widths = arrays.map { $0.shape.last! }
        let total = widths.reduce(0, +)
        var storage = [Float](repeating: 0, count: pixels * total)
        storage.withUnsafeMutableBufferPointer { out in
            var offset = 0
            for (array, width) in zip(arrays, widths) {
                array.storage.withUnsafeBufferPointer { input in
                    for pixel in 0..<pixels {
                        for channel in 0..<width {
                            out[pixel * total + offset + channel] = input[pixel * width + channel]
                        }
                    }
                }
                offset += width
            }
        }
        var shape = arrays[0].shape
        shape[shape.count - 1] = total
        return NDArray(shape: shape, storage: storage)
    }
}
