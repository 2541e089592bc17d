import EOData
import GDALRaster
import GrowBase
import GrowJob

/// Samples pixels of a tile, reproducibly: the seed and the tile's name fix the draw, so a
/// retried or stolen tile samples the same pixels. Temporal features become T×N×1×C, timeless
/// ones N×1×C (the pixels in row-major order, as eo-learn lays out sampled pixels), and
/// `mask_timeless/<mask_of_samples_name>` counts how often each pixel was taken.
enum SamplingPipeline {
    static func run(_ tile: EOTile, _ parameters: SamplingParameters) throws -> String {
        let folder = tile.patchFolder(parameters.inputFolderKey)
        var wanted = parameters.features
        if let valid = parameters.validDataFeature { wanted.append(valid) }
        let input = try EOPatch.read(from: tile.storage, folder: folder, features: wanted)
        var height = 0
        var width = 0
        for feature in parameters.features {
            guard let array = input[feature] else { throw EOTileError.input("\(folder) has no \(feature)") }
            let expected = feature.kind.isTemporal ? 4 : 3
            guard array.shape.count == expected else {
                throw EOTileError.input("\(feature) has shape \(array.shape); expected \(expected) axes")
            }
            let h = array.shape[expected - 3]
            let w = array.shape[expected - 2]
            if height == 0 { (height, width) = (h, w) }
            guard (h, w) == (height, width) else {
                throw EOTileError.input("\(feature) is \(h)x\(w) pixels, the first feature \(height)x\(width)")
            }
        }
        let usable = try usablePixels(input, parameters, height: height, width: width)
        var random = SplitMix64(seed: parameters.seed ^ FNV1a.hash(Array(tile.name.utf8)))
        let pixels = positions(parameters.method, height: height, width: width, usable: usable, random: &random)
        try tile.checkCancelled()

        var output = EOPatch(bbox: input.bbox, timestamps: input.timestamps)
        for feature in parameters.features {
            guard let array = input[feature] else { continue }
            output[FeatureRef(kind: feature.kind, name: feature.name)] = NpyArray(
                gather(array.float32(), pixels: pixels, temporal: feature.kind.isTemporal))
        }
        var counts = NDArray<UInt8>(shape: [height, width, 1], repeating: 0)
        for pixel in pixels { counts.storage[pixel] = counts.storage[pixel] &+ 1 }
        output[FeatureRef(kind: .maskTimeless, name: parameters.maskOfSamplesName)] = NpyArray(counts)
        try output.write(
            to: tile.storage, folder: tile.patchFolder(parameters.outputFolderKey),
            compress: parameters.compressLevel > 0)
        return "\(pixels.count) samples"
    }

    /// Pixels that may be sampled: valid in at least one observation (all, without a mask).
    private static func usablePixels(_ input: EOPatch, _ parameters: SamplingParameters, height: Int, width: Int)
        throws -> [Bool]
    {
        guard let ref = parameters.validDataFeature else { return [Bool](repeating: true, count: height * width) }
        guard let mask = input[ref]?.nonZero() else { throw EOTileError.input("no \(ref) to sample within") }
        let frames = ref.kind.isTemporal ? mask.shape[0] : 1
        guard mask.count == frames * height * width else {
            throw EOTileError.input(
                "\(ref) has shape \(mask.shape); expected \(height)x\(width) pixels with one channel")
        }
        var usable = [Bool](repeating: false, count: height * width)
        for frame in 0..<frames {
            for pixel in 0..<(height * width) where mask.storage[frame * height * width + pixel] {
                usable[pixel] = true
            }
        }
        return usable
    }

    /// Row-major pixel offsets (y * width + x) of the samples, in the order they are taken.
    static func positions(
        _ method: SamplingParameters.Method, height: Int, width: Int, usable: [Bool], random: inout SplitMix64
    ) -> [Int] {
        var result: [Int] = []
        switch method {
        case .fraction(let fraction):
            for pixel in 0..<(height * width) where usable[pixel] && random.unit() < fraction { result.append(pixel) }
        case .block(let count, let blockHeight, let blockWidth):
            guard blockHeight <= height, blockWidth <= width else { return [] }
            for _ in 0..<count {
                let top = random.below(height - blockHeight + 1)
                let left = random.below(width - blockWidth + 1)
                for y in top..<(top + blockHeight) {
                    for x in left..<(left + blockWidth) where usable[y * width + x] { result.append(y * width + x) }
                }
            }
        case .grid(let blockHeight, let blockWidth, let strideY, let strideX):
            var top = 0
            while top + blockHeight <= height {
                var left = 0
                while left + blockWidth <= width {
                    for y in top..<(top + blockHeight) {
                        for x in left..<(left + blockWidth) where usable[y * width + x] { result.append(y * width + x) }
                    }
                    left += strideX
                }
                top += strideY
            }
        }
        return result
    }

    /// T×H×W×C → T×N×1×C (or H×W×C → N×1×C) for the given pixels.
    static func gather(_ array: NDArray<Float>, pixels: [Int], temporal: Bool) -> NDArray<Float> {
        let channels = array.shape.last ?? 1
        let frames = temporal ? array.shape[0] : 1
        let pixelsPerFrame = array.count / max(frames * channels, 1)
        var storage = [Float]()
        storage.reserveCapacity(frames * pixels.count * channels)
        for frame in 0..<frames {
            for pixel in pixels {
                let start = (frame * pixelsPerFrame + pixel) * channels
                storage.append(contentsOf: array.storage[start..<(start + channels)])
            }
        }
        let shape = temporal ? [frames, pixels.count, 1, channels] : [pixels.count, 1, channels]
        return NDArray(shape: shape, storage: storage)
    }
}

extension SplitMix64 {
    /// Uniform in 0..<bound (bound ≥ 1); a sample's draw depends only on its seed.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
