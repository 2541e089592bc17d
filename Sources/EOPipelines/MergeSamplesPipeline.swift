import EOData
import Foundation
import GDALRaster
import GrowBase
import GrowJob
import Synchronization

/// eo-grow's MergeSamplesPipeline as one tile: the patches of the patch list read `num_threads`
/// at a time, then per feature their samples joined in the list's order (T×N×1×C → N×T×C,
/// N×1×C → N×C; float64 to float32, every other dtype kept) and saved as plain `.npy`, as
/// `np.save` writes it; with `id_filename`, each row's patch position as uint32.
enum MergeSamplesPipeline {
    static func run(_ tile: EOTile, _ parameters: MergeSamplesParameters) throws -> String {
        let inputFolder = tile.folder(parameters.inputFolderKey)
        let names = try parameters.patches ?? completePatches(in: inputFolder, tile)
        guard !names.isEmpty else { throw EOTileError.input("\(inputFolder) holds no patch to merge") }
        let patches = try readAll(names.map { inputFolder + "/" + $0 }, parameters, tile)
        try tile.checkCancelled()

        let outputFolder = tile.folder(parameters.outputFolderKey)
        var rowsPerPatch: [Int]?
        for feature in parameters.features {
            var parts: [NpyArray] = []
            for (name, patch) in zip(names, patches) {
                guard let array = patch[feature.kind, feature.name] else {
                    throw EOTileError.input("\(inputFolder)/\(name) has no \(feature)")
                }
                do {
                    parts.append(try SampleRows.samplesFirst(array, kind: feature.kind))
                } catch {
                    throw EOTileError.input("\(inputFolder)/\(name): \(feature) \(error.description)")
                }
            }
            if rowsPerPatch == nil { rowsPerPatch = parts.map { $0.shape.first ?? 0 } }
            let merged: NpyArray
            do {
                merged = try SampleRows.concatenate(parts)
            } catch {
                throw EOTileError.input("\(feature): \(error.description)")
            }
            try tile.storage.write(
                outputFolder + "/" + parameters.fileName(feature.name), bytes: NpyCodec.encode(merged))
        }
        let rows = rowsPerPatch ?? []
        if let idFilename = parameters.idFilename {
            let ids = rows.enumerated().flatMap { position, count in Array(repeating: UInt32(position), count: count) }
            try tile.storage.write(
                outputFolder + "/" + parameters.fileName(idFilename),
                bytes: NpyCodec.encode(NpyArray(NDArray(shape: [ids.count], storage: ids))))
        }
        return "\(rows.reduce(0, +)) samples from \(names.count) patches"
    }

    /// Without a patch list: every complete patch in the folder, by name.
    static func completePatches(in folder: String, _ tile: EOTile) throws -> [String] {
        let marker = "/" + EOPatchLayout.bboxFile
        return try tile.storage.list(prefix: folder + "/").map(\.key)
            .filter { $0.hasSuffix(marker) }
            .map { String($0.dropLast(marker.count).dropFirst(folder.count + 1)) }
            .filter { !$0.contains("/") }
            .sorted()
    }

    /// Every patch's features, read `num_threads` at a time; the first failure (in list order) wins.
    static func readAll(_ folders: [String], _ parameters: MergeSamplesParameters, _ tile: EOTile) throws -> [EOPatch] {
        let results = Mutex([Result<EOPatch, any Error>?](repeating: nil, count: folders.count))
        let features = parameters.features.map { ($0.kind, $0.name) }
        let storage = tile.storage
        let cancellation = tile.cancellation
        runConcurrently(count: folders.count, width: parameters.threads, stackSize: 4 << 20) { index in
            let result: Result<EOPatch, any Error>
            if cancellation.isCancelled {
                result = .failure(EOTileError.cancelled)
            } else {
                result = Result { try EOPatch.read(from: storage, folder: folders[index], features: features) }
            }
            results.withLock { $0[index] = result }
        }
        return try results.withLock { $0 }.map { try ($0 ?? .failure(EOTileError.cancelled)).get() }
    }
}
