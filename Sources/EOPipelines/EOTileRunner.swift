import Exec
import Foundation
import GDALRaster
import GrowBase
import GrowJob
import ProjectStorage
import Synchronization

/// Runs one tile of a native EO pipeline on a thread of its own (the work is blocking IO and
/// CPU, which must not sit on Swift's cooperative pool), and turns every problem into a failed
/// outcome that says whether a retry could help: storage and network failures can, bad inputs
/// cannot. The worker gives one to its tile executor.
package final class EOPipelineRunner: TileRunner {
    /// One store per project folder for the whole process: an S3 store keeps a pool of
    /// connections that every tile of the job reuses.
    private let stores = Mutex<[StoreKey: any ProjectStore]>([:])

    private struct StoreKey: Hashable {
        var folder: ProjectLocation
        var settings: StorageSettings
    }

    package init() {}

    package func run(_ spec: JobSpec, _ tile: TileContext, cancellation: TileCancellation) async -> TileOutcome {
        // `tile_timeout`: a thread cannot be killed, so the tile is cancelled and stops at its
        // next step (between scenes, before writing).
        let timer = spec.tileTimeoutSeconds.map { seconds in
            Task { () -> Bool in
                do { try await Task.sleep(for: .seconds(seconds)) } catch { return false }
                cancellation.cancel()
                return true
            }
        }
        let outcome = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: self.runBlocking(spec, tile, cancellation: cancellation))
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        timer?.cancel()
        if await timer?.value == true, !outcome.isDone {
            return .failed(retryable: true, error: TileExecutor.timeoutError(spec.tileTimeoutSeconds ?? 0, tail: ""))
        }
        return outcome
    }

    func runBlocking(_ spec: JobSpec, _ context: TileContext, cancellation: TileCancellation) -> TileOutcome {
        do {
            guard let projectFolder = spec.projectFolder else {
                throw EOTileError.input("storage.project_folder is missing")
            }
            let storage = try openStore(projectFolder, spec.storageSettings)
            let tile = EOTile(
                spec: spec, storage: storage, index: context.index, name: context.name, cancellation: cancellation)
            let detail = try runPipeline(tile)
            return .done(detail: detail)
        } catch let error as any RetryableError {
            return .failed(retryable: error.isRetryable, error: error.description)
        } catch {
            return .failed(retryable: false, error: "\(error)")
        }
    }

    private func openStore(_ folder: ProjectLocation, _ settings: StorageSettings) throws -> any ProjectStore {
        let key = StoreKey(folder: folder, settings: settings)
        if let store = stores.withLock({ $0[key] }) { return store }
        let store = try folder.openStore(settings)
        stores.withLock { $0[key] = store }
        return store
    }

    private func runPipeline(_ tile: EOTile) throws -> String {
        switch tile.spec.eo {
        case .importTiff(let parameters): try ImportPipeline.run(tile, parameters)
        case .features(let parameters): try FeaturesPipeline.run(tile, parameters)
        case .mosaicking(let parameters): try MosaickingPipeline.run(tile, parameters)
        case .sampling(let parameters): try SamplingPipeline.run(tile, parameters)
        case .mergeSamples(let parameters): try MergeSamplesPipeline.run(tile, parameters)
        case .exportMaps(let parameters): try ExportMapsPipeline.run(tile, parameters)
        case nil: throw EOTileError.input("pipeline \(tile.spec.pipeline.rawValue) has no EO parameters")
        }
    }
}
