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

/// `array[..., rows, columns, :]` for the sampled grid: T×H×W×C → T×(N·h)×w×C, H×W×C → (N·h)×w×C.
struct GatherPixels: NDArrayTransform {
    let positions: SamplePositions
    let temporal: Bool

    func apply<Element: NpyElement>(_ array: NDArray<Element>) throws -> NDArray<Element> {
        let channels = array.shape.last ?? 1
        let frames = temporal ? array.shape[0] : 1
        let frameSize = array.count / max(frames, 1)
        var storage: [Element] = []
        storage.reserveCapacity(frames * positions.pixels.count * channels)
        for frame in 0..<frames {
            for pixel in positions.pixels {
                let start = frame * frameSize + pixel * channels
                storage.append(contentsOf: array.storage[start..<(start + channels)])
            }
        }
        let grid = [positions.gridHeight, positions.gridWidth, channels]
        return NDArray(shape: temporal ? [frames] + grid : grid, storage: storage)
    }
}

/// Sets the given pixels (every channel) of an H×W×C array to 0: the pixels erosion removed.
struct ZeroPixels: NDArrayTransform {
    let pixels: [Int]

    func apply<Element: NpyElement>(_ array: NDArray<Element>) throws -> NDArray<Element> {
        guard let zero = Element.zero else { return array }
        var result = array
        let channels = array.shape.last ?? 1
        for pixel in pixels {
            for channel in 0..<channels { result.storage[pixel * channels + channel] = zero }
        }
        return result
    }
}

extension NpyElement {
    /// The element type's zero (false for bool).
    static var zero: Self? {
        switch Self.self {
        case is Bool.Type: false as? Self
        case is UInt8.Type: UInt8(0) as? Self
        case is Int8.Type: Int8(0) as? Self
        case is UInt16.Type: UInt16(0) as? Self
        case is Int16.Type: Int16(0) as? Self
        case is UInt32.Type: UInt32(0) as? Self
        case is Int32.Type: Int32(0) as? Self
        case is UInt64.Type: UInt64(0) as? Self
        case is Int64.Type: Int64(0) as? Self
        case is Float16.Type: Float16(0) as? Self
        case is Float.Type: Float(0) as? Self
        case is Double.Type: Double(0) as? Self
        default: nil
        }
    }
}
