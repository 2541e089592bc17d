import EOData
import Foundation
import GrowJob

/// Merges the samples of every finished tile in the input folder into one `.npy` per feature:
/// N×T×C for temporal features (T×N×1×C per tile), N×C for timeless ones (N×1×C per tile),
/// tiles in name order. `samples-index.json` (written last, so its presence means the merge is
/// complete) says which rows came from which tile.
enum MergeSamplesPipeline {
    static let indexFileName = EOFileNames.samplesIndex

    static func run(_ tile: EOTile, _ parameters: MergeSamplesParameters) throws -> String {
        let inputFolder = tile.folder(parameters.inputFolderKey)
        let marker = "/" + EOPatchLayout.bboxFile
        let patches = try tile.storage.list(prefix: inputFolder + "/")
            .map(\.key)
            .filter { $0.hasSuffix(marker) }
            .map { String($0.dropLast(marker.count)) }
            .sorted()
        guard !patches.isEmpty else { throw EOTileError.input("\(inputFolder) holds no finished EOPatch to merge") }

        var merged: [FeatureRef: (rows: [Float], shape: [Int])] = [:]
        var index: [JSONValue] = []
        for folder in patches {
            try tile.checkCancelled()
            let patch = try EOPatch.read(from: tile.storage, folder: folder, features: parameters.features)
            var rows = 0
            for feature in parameters.features {
                guard let array = patch[feature]?.float32() else {
                    throw EOTileError.input("\(folder) has no \(feature)")
                }
                let (samples, rowShape) = try samplesFirst(array, feature: feature, folder: folder)
                rows = rowShape[0]
                if let existing = merged[feature], existing.shape.dropFirst() != rowShape.dropFirst() {
                    throw EOTileError.input(
                        "\(folder): \(feature) has shape \(array.shape), other tiles \(existing.shape)")
                }
                var entry = merged[feature] ?? ([], [0] + rowShape.dropFirst())
                entry.rows += samples
                entry.shape[0] += rowShape[0]
                merged[feature] = entry
            }
            let name = (folder as NSString).lastPathComponent
            index.append(.object(["eopatch": .string(name), "samples": .number(Double(rows))]))
        }
        let outputFolder = tile.folder(parameters.outputFolderKey)
        try tile.storage.delete(outputFolder + "/" + indexFileName)
        var total = 0
        for feature in parameters.features {
            guard let entry = merged[feature] else { continue }
            total = entry.shape[0]
            let array = NDArray(shape: entry.shape, storage: entry.rows)
            try tile.storage.write(
                "\(outputFolder)/\(feature.name)\(parameters.suffix).npy", bytes: NpyCodec.encode(NpyArray(array)))
        }
        let record = JSONValue.object(["patches": .array(index), "total": .number(Double(total))])
        try tile.storage.write(outputFolder + "/" + indexFileName, bytes: Array((record.canonicalText + "\n").utf8))
        return "\(total) samples from \(patches.count) tiles"
    }

    /// T×N×1×C → N×T×C, N×1×C → N×C.
    private static func samplesFirst(_ array: NDArray<Float>, feature: FeatureRef, folder: String) throws -> (
        [Float], [Int]
    ) {
        if feature.kind.isTemporal {
            guard array.rank == 4, array.shape[2] == 1 else {
                throw EOTileError.input("\(folder): \(feature) has shape \(array.shape); expected T×N×1×C samples")
            }
            let (frames, count, channels) = (array.shape[0], array.shape[1], array.shape[3])
            var rows = [Float](repeating: 0, count: array.count)
            for frame in 0..<frames {
                for sample in 0..<count {
                    for channel in 0..<channels {
                        rows[(sample * frames + frame) * channels + channel] =
                            array.storage[(frame * count + sample) * channels + channel]
                    }
                }
            }
            return (rows, [count, frames, channels])
        }
        guard array.rank == 3, array.shape[1] == 1 else {
            throw EOTileError.input("\(folder): \(feature) has shape \(array.shape); expected N×1×C samples")
        }
        return (array.storage, [array.shape[0], array.shape[2]])
    }
}
