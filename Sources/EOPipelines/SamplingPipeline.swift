import EOData
import Foundation
import GrowJob

/// eo-grow's sampling pipelines, one patch at a time: the `apply_to` features of every folder
/// joined into one patch, the sampling feature eroded (fraction), the pixels chosen with NumPy's
/// generator seeded as eo-grow seeds each patch (`SamplePositions`), and every feature gathered at
/// them in its own dtype; then the sampled features and the mask of samples are written.
enum SamplingPipeline {
    static func run(_ tile: EOTile, _ parameters: SamplingParameters) throws -> String {
        var patch = try joinedPatch(tile, parameters)
        let sampled = parameters.sampledFeatures
        let (height, width) = try imageSize(patch, sampled.map(\.input))
        var random = PCG64(seed: try patchSeed(tile, parameters))

        let positions: SamplePositions
        switch parameters.method {
        case .fraction(let fraction):
            let ref = FeatureRef(kind: .maskTimeless, name: fraction.samplingFeatureName)
            guard let feature = patch[ref.kind, ref.name] else {
                throw EOTileError.input(
                    "sampling_feature_name: \(ref) is not among apply_to's features (only those are loaded, as in eo-grow)"
                )
            }
            guard feature.shape == [height, width, 1] else {
                throw EOTileError.input("\(ref) has shape \(feature.shape); expected \(height)x\(width)x1")
            }
            var classes = feature.integers().storage
            if !fraction.erosion.isEmpty {
                let before = classes
                ClassErosion.apply(
                    fraction.erosion.map { ($0.radius, $0.labels) }, to: &classes, height: height, width: width)
                let eroded = classes.indices.filter { classes[$0] != before[$0] }
                patch[ref.kind, ref.name] = try feature.transformed(ZeroPixels(pixels: eroded))
            }
            positions = SamplePositions.fraction(
                classes: classes, imageWidth: width, share: fraction.share, exclude: fraction.excludeValues,
                random: &random)
        case .block(let block):
            do {
                positions = try SamplePositions.block(block, imageHeight: height, imageWidth: width, random: &random)
            } catch {
                throw EOTileError.input(error.description)
            }
        case .grid(let grid):
            positions = SamplePositions.grid(grid, imageHeight: height, imageWidth: width)
        }
        try tile.checkCancelled()

        let temporal = sampled.contains { $0.input.kind.isTemporal }
        var output = EOPatch(bbox: patch.bbox, timestamps: temporal ? patch.timestamps : [])
        for (input, written) in sampled {
            guard let array = patch[input.kind, input.name] else { continue }
            output[written.kind, written.name] = try array.transformed(
                GatherPixels(positions: positions, temporal: input.kind.isTemporal))
        }
        if let mask = parameters.maskOfSamples {
            let counts = positions.counts(imageHeight: height, imageWidth: width)
            output[mask.kind, mask.name] =
                counts.small.map { NpyArray(NDArray(shape: [height, width, 1], storage: $0)) }
                ?? NpyArray(NDArray(shape: [height, width, 1], storage: counts.large))
        }
        try output.write(
            to: tile.storage, folder: tile.patchFolder(parameters.outputFolderKey),
            compress: parameters.compressLevel > 0)
        return "\(positions.samples) samples"
    }

    /// The `apply_to` features of every folder as one patch (eo-learn's MergeEOPatchesTask): the
    /// folders' boxes must be equal, and the folders with temporal features must share their
    /// timestamps (in order; eo-learn would reorder frames otherwise).
    static func joinedPatch(_ tile: EOTile, _ parameters: SamplingParameters) throws -> EOPatch {
        var joined: EOPatch?
        var timesFrom: String?
        for source in parameters.applyTo {
            let folder = tile.patchFolder(source.folderKey)
            let patch = try EOPatch.read(
                from: tile.storage, folder: folder, features: source.features.map { ($0.kind, $0.name) })
            if let first = joined?.bbox, first != patch.bbox {
                throw EOTileError.input(
                    "\(folder) has another bbox than the patch of \(parameters.applyTo[0].folderKey)")
            }
            var merged = joined ?? EOPatch(bbox: patch.bbox)
            if source.features.contains(where: { $0.kind.isTemporal }) {
                guard zip(patch.timestamps, patch.timestamps.dropFirst()).allSatisfy({ $0 < $1 }) else {
                    throw EOTileError.input(
                        "\(folder): timestamps are not in increasing order; eo-learn would reorder the frames")
                }
                if let timesFrom, merged.timestamps != patch.timestamps {
                    throw EOTileError.input("\(folder) has other timestamps than \(timesFrom)")
                }
                timesFrom = folder
                merged.timestamps = patch.timestamps
            }
            for feature in source.features { merged[feature.kind, feature.name] = patch[feature.kind, feature.name] }
            joined = merged
        }
        guard let joined else { throw EOTileError.input("apply_to names no folder") }
        return joined
    }

    /// The height and width all sampled features share.
    static func imageSize(_ patch: EOPatch, _ features: [FeatureRef]) throws -> (Int, Int) {
        var size: (Int, Int)?
        for feature in features {
            guard let shape = patch[feature.kind, feature.name]?.shape else { continue }
            let rank = feature.kind.isTemporal ? 4 : 3
            guard shape.count == rank else {
                throw EOTileError.input("\(feature) has shape \(shape); expected \(rank) axes")
            }
            let own = (shape[rank - 3], shape[rank - 2])
            if let size, size != own {
                throw EOTileError.input(
                    "\(feature) is \(own.0)x\(own.1) pixels, other sampled features \(size.0)x\(size.1)")
            }
            size = own
        }
        guard let size else { throw EOTileError.input("no feature to sample") }
        return size
    }

    /// eo-grow's seed of this patch: drawn from the config's seed by the patch's place in the
    /// patch list (after `test_subset`); without a config seed, a fresh one.
    static func patchSeed(_ tile: EOTile, _ parameters: SamplingParameters) throws -> UInt64 {
        guard let seed = parameters.seed else { return UInt64(UInt32.random(in: 0...UInt32.max)) }
        let position = tile.spec.testSubset.map { subset in subset.filter { $0 < tile.index }.count } ?? Int(tile.index)
        return EOGrowSeeds.seed(forPatchAt: position, configSeed: seed)
    }
}
