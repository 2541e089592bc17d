import EOData
import EOKernels
import Foundation
import GrowJob

/// eo-grow's `FeaturesPipeline` and `MosaickingFeaturesPipeline`, step for step: keep the frames
/// with enough valid pixels (`data_preparation`), optionally composite them into `n_mosaics`
/// temporal mosaics, then append the normalized difference indices to the bands in the config's
/// order and write that one DATA feature (numpy's dtype rules, so the file equals eo-grow's).
enum FeaturesPipeline {
    static func run(_ tile: EOTile, _ parameters: FeaturesParameters) throws -> String {
        let folder = tile.patchFolder(parameters.inputFolderKey)
        let bandsRef = FeatureRef(kind: .data, name: parameters.bandsFeatureName)
        let validRef = FeatureRef(kind: .mask, name: parameters.validDataFeatureName)
        let cloudRef = parameters.cloudMaskFeatureName.map { FeatureRef(kind: .mask, name: $0) }
        // eo-grow reads the valid-data mask only for the steps that use it.
        let needsValid =
            cloudRef != nil || parameters.validityThreshold != nil || parameters.interpolate
            || parameters.mosaicking != nil
        let wanted = [bandsRef] + (needsValid ? [validRef] : []) + (cloudRef.map { [$0] } ?? [])
        let input = try EOPatch.read(from: tile.storage, folder: folder, features: wanted)
        guard var bands = input[bandsRef] else { throw EOTileError.input("\(folder) has no \(bandsRef)") }
        guard bands.shape.count == 4 else {
            throw EOTileError.input("\(bandsRef) has shape \(bands.shape); expected T×H×W×C")
        }
        var timestamps = input.timestamps
        var valid: NDArray<Bool>?
        if needsValid {
            guard let mask = input[validRef] else { throw EOTileError.input("\(folder) has no \(validRef)") }
            valid = try validMask(mask, cloud: cloudRef.map { ($0, input[$0]) }, folder: folder, frames: bands.shape)
        }
        if let threshold = parameters.validityThreshold, let mask = valid {
            let kept = framesAbove(threshold, mask)
            bands = bands.frames(kept)
            valid = NpyArray(mask).frames(kept).array(of: Bool.self)
            if !timestamps.isEmpty { timestamps = kept.map { timestamps[$0] } }
        }
        try tile.checkCancelled()
        if parameters.interpolate, let mask = valid {
            let days = timestamps.map { $0.timeIntervalSince(timestamps.first ?? $0) / 86_400 }
            bands = .float32(try Kernels.interpolateInvalid(bands.float32(), valid: mask, times: days))
        }
        if let mosaicking = parameters.mosaicking, let mask = valid {
            let mosaics = TemporalMosaics(mosaicking)
            if let pair = mosaicking.maxNDIIndices {
                let ndi = try index(bands, pair.0, pair.1, name: "mosaicking.max_ndi_indices")
                bands = mosaics.maxNDI(bands, ndi: ndi, valid: mask, timestamps: timestamps)
            } else {
                bands = try mosaics.median(bands, valid: mask, timestamps: timestamps)
            }
            timestamps = mosaics.centres
        }
        try tile.checkCancelled()

        var parts = [bands]
        for entry in parameters.indices {
            parts.append(try index(bands, entry.first, entry.second, name: "ndis.\(entry.name)"))
        }
        let type = try outputType(parts, dtype: parameters.dtype)
        var output = EOPatch(bbox: input.bbox, timestamps: timestamps)
        output[FeatureRef(kind: .data, name: parameters.outputFeatureName)] = NpyArray.concatenateChannels(
            parts, as: type)
        try output.write(
            to: tile.storage, folder: tile.patchFolder(parameters.outputFolderKey),
            compress: parameters.compressLevel > 0)
        let names = parameters.indices.map(\.name)
        return "\(bands.shape[0]) frames, \(type.rawValue)"
            + (names.isEmpty ? "" : ", " + names.joined(separator: ", "))
    }

    /// The valid-data mask as booleans, cleared where the cloud mask is set (eo-grow joins them as
    /// `valid & (cloud == 0)`).
    private static func validMask(
        _ mask: NpyArray, cloud: (FeatureRef, NpyArray?)?, folder: String, frames: [Int]
    ) throws -> NDArray<Bool> {
        var valid = mask.nonZero()
        guard valid.shape.count == 4, valid.shape[0] == frames[0], valid.shape[1] == frames[1],
            valid.shape[2] == frames[2]
        else { throw EOTileError.input("the valid-data mask has shape \(valid.shape); the bands \(frames)") }
        guard let (ref, array) = cloud else { return valid }
        guard let clouds = array?.nonZero() else { throw EOTileError.input("\(folder) has no \(ref)") }
        guard clouds.shape == valid.shape else {
            throw EOTileError.input("\(ref) has shape \(clouds.shape); the valid-data mask \(valid.shape)")
        }
        for position in valid.storage.indices where clouds.storage[position] { valid.storage[position] = false }
        return valid
    }

    /// Frames whose share of valid pixels is above `threshold` (eo-grow's strict comparison).
    private static func framesAbove(_ threshold: Double, _ valid: NDArray<Bool>) -> [Int] {
        let frame = valid.count / max(valid.shape[0], 1)
        return (0..<valid.shape[0]).filter { index in
            let set = valid.storage[index * frame..<(index + 1) * frame].reduce(0) { $0 + ($1 ? 1 : 0) }
            return Double(set) / Double(frame) > threshold
        }
    }

    private static func index(_ bands: NpyArray, _ a: Int, _ b: Int, name: String) throws -> NpyArray {
        let channels = bands.shape[3]
        for channel in [a, b] where channel >= channels || channel < -channels {
            throw EOTileError.input("\(name) uses channel \(channel) but the bands have \(channels)")
        }
        guard let index = bands.normalizedDifference(a, b) else {
            throw EOTileError.input("\(name): the bands are boolean; numpy cannot subtract them")
        }
        return index
    }

    /// numpy's result of `concatenate(parts, dtype=dtype)`: the given dtype when every part casts
    /// to it within its kind, else (no dtype) the common type of the parts.
    static func outputType(_ parts: [NpyArray], dtype: NumpyDType?) throws -> NpyType {
        if let dtype {
            let type = NpyType(dtype)
            for part in parts where !NpyArray.isSameKindCast(from: part.type, to: type) {
                throw EOTileError.input(
                    "dtype \(dtype.rawValue): numpy does not cast \(part.type.rawValue) to it (same_kind), so eo-grow fails here too"
                )
            }
            return type
        }
        // The indices are float32 of float32 bands and float64 otherwise: mixed means float64.
        return Set(parts.map(\.type)).count == 1 ? parts[0].type : .float64
    }
}
