import Foundation
import Synchronization

/// Runs one tile of a native EO pipeline on a thread of its own (the work is blocking IO and
/// CPU, which must not sit on Swift's cooperative pool), and turns every problem into a failed
/// outcome that says whether a retry could help: storage and network failures can, bad inputs
/// cannot.
enum EOTileRunner {
    static func run(_ spec: JobSpec, _ tile: TileContext, cancellation: TileCancellation) async -> TileOutcome {
        // `tile_timeout`: a thread cannot be killed, so the tile is cancelled and stops at its
        // next step (between scenes, before writing).
        let timedOut = Mutex(false)
        let timer = spec.tileTimeoutSeconds.map { seconds in
            Task { @Sendable in
                try? await Task.sleep(for: .seconds(seconds))
                guard !Task.isCancelled else { return }
                timedOut.withLock { $0 = true }
                cancellation.cancel()
            }
        }
        let outcome = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: runBlocking(spec, tile, cancellation: cancellation))
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        timer?.cancel()
        if timedOut.withLock({ $0 }), !outcome.isDone {
            return .failed(
                durationMicros: outcome.durationMicros, retryable: true,
                error: TileExecutor.timeoutError(spec.tileTimeoutSeconds ?? 0, tail: ""))
        }
        return outcome
    }

    static func runBlocking(_ spec: JobSpec, _ context: TileContext, cancellation: TileCancellation) -> TileOutcome {
        let started = DispatchTime.now().uptimeNanoseconds
        func micros() -> UInt64 { (DispatchTime.now().uptimeNanoseconds - started) / 1000 }
        do {
            guard let projectFolder = spec.projectFolder else {
                throw EOTileError.input("storage.project_folder is missing")
            }
            let storage = try openStorage(projectFolder, spec.storageSettings)
            let tile = EOTile(
                spec: spec, storage: storage, index: context.index, name: context.name, cancellation: cancellation)
            let detail = try runPipeline(tile)
            return .done(durationMicros: micros(), detail: detail)
        } catch let error as EOTileError {
            if case .cancelled = error { return .failed(durationMicros: micros(), retryable: true, error: "cancelled") }
            return .failed(durationMicros: micros(), retryable: false, error: error.description)
        } catch let error as StorageError {
            return .failed(durationMicros: micros(), retryable: !error.isUserError, error: error.description)
        } catch let error as RasterError {
            return .failed(durationMicros: micros(), retryable: !error.isUserError, error: error.description)
        } catch {
            return .failed(durationMicros: micros(), retryable: false, error: "\(error)")
        }
    }

    /// One storage per project folder for the whole process: an S3 storage keeps a pool of
    /// connections that every tile of the job reuses.
    private static let storages = Mutex<[String: any ProjectStorage]>([:])

    private static func openStorage(_ folder: String, _ settings: StorageSettings) throws -> any ProjectStorage {
        let key =
            "\(folder)|\(settings.endpoint ?? "")|\(settings.region ?? "")|\(settings.profile ?? "")|\(settings.pathStyle.map(String.init) ?? "")"
        if let storage = storages.withLock({ $0[key] }) { return storage }
        let storage = try Storage.open(folder, settings: settings)
        storages.withLock { $0[key] = storage }
        return storage
    }

    private static func runPipeline(_ tile: EOTile) throws -> String {
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
