import Foundation
import GrowJob

/// Runs one tile attempt: `command`, `noop` and `sleep` tiles itself, the EO pipelines through
/// `eoPipelines` and eo-grow's own pipelines through `eoGrow` (the worker's; nil in a process
/// that runs none). Thread-safe: a worker calls `run` once per slot, many at a time. Nothing
/// blocks a Swift concurrency thread: a command is awaited through swift-subprocess (see
/// `ChildProcess`).
package struct TileExecutor: TileRunner {
    let eoPipelines: (any TileRunner)?
    let eoGrow: (any TileRunner)?

    package init(eoPipelines: (any TileRunner)? = nil, eoGrow: (any TileRunner)? = nil) {
        self.eoPipelines = eoPipelines
        self.eoGrow = eoGrow
    }

    package func run(_ spec: JobSpec, _ tile: TileContext, cancellation: TileCancellation) async -> TileOutcome {
        if cancellation.isCancelled || Task.isCancelled {
            return .failed(retryable: true, error: Self.cancelledError)
        }
        return await withTaskCancellationHandler {
            switch spec.pipeline {
            case .noop:
                return .done(detail: "")
            case .sleep:
                switch await sleepTile(spec, tile, cancellation: cancellation) {
                case .slept: return .done(detail: "")
                case .cancelled: return .failed(retryable: true, error: Self.cancelledError)
                case .timedOut:
                    return .failed(retryable: true, error: Self.timeoutError(spec.tileTimeoutSeconds ?? 0, tail: ""))
                }
            case .command:
                return await commandTile(spec, tile, cancellation: cancellation)
            case .importTiff, .features, .mosaickingFeatures, .mosaicking, .sampling, .mergeSamples, .exportMaps:
                guard let eoPipelines else {
                    return .failed(
                        retryable: false,
                        error: "this worker has no EO pipelines to run \(spec.pipeline.rawValue) tiles")
                }
                return await eoPipelines.run(spec, tile, cancellation: cancellation)
            case .eogrow:
                guard let eoGrow else {
                    return .failed(retryable: false, error: "this worker cannot run eo-grow pipelines")
                }
                return await eoGrow.run(spec, tile, cancellation: cancellation)
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    static let cancelledError = "cancelled"
    static let detailLimit = 200

    package static func timeoutError(_ seconds: Double, tail: String) -> String {
        let text = "timed out after \(JSONValue.format(seconds))s"
        return tail.isEmpty ? text : "\(text): \(tail)"
    }

    // MARK: sleep

    private enum SleepEnd: Sendable {
        case slept, cancelled, timedOut
    }

    private func sleepTile(_ spec: JobSpec, _ tile: TileContext, cancellation: TileCancellation) async -> SleepEnd {
        let wanted = min(max(spec.sleep?.durationMs(forTile: tile.index) ?? 0, 0), 1e12)
        let limit = spec.tileTimeoutSeconds.map { $0 * 1000 } ?? .infinity
        let sleepMs = min(wanted, limit)
        let endIfSlept: SleepEnd = wanted > limit ? .timedOut : .slept
        return await withTaskGroup(of: SleepEnd?.self) { group in
            group.addTask {
                do {
                    try await Task.sleep(for: .nanoseconds(Int64(sleepMs * 1_000_000)))
                    return endIfSlept
                } catch {
                    return nil
                }
            }
            group.addTask {
                await cancellation.waitUntilCancelled()
                return Task.isCancelled ? nil : .cancelled
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .cancelled
        }
    }

    // MARK: command

    private func commandTile(_ spec: JobSpec, _ tile: TileContext, cancellation: TileCancellation) async
        -> TileOutcome
    {
        let coordinates = spec.tiles.coordinates(of: tile.index)
        let values = TileTemplate.Values(
            tile: tile.name, index: tile.index, x: coordinates?.x, y: coordinates?.y, attempt: tile.attempt,
            job: tile.job, workDir: tile.workDir, projectFolder: spec.projectFolder?.description)
        func render(_ text: String, _ keyPath: String) -> Swift.Result<String, TileTemplate.TemplateProblem> {
            TileTemplate.parse(text).map { $0.render(values) }.mapError {
                TileTemplate.TemplateProblem("\(keyPath): \($0.message)")
            }
        }

        var argv: [String] = []
        for (position, word) in spec.command.enumerated() {
            switch render(word, "command[\(position)]") {
            case .success(let text): argv.append(text)
            case .failure(let problem): return .failed(retryable: false, error: problem.message)
            }
        }
        guard let program = argv.first, !program.isEmpty else {
            return .failed(retryable: false, error: "command: no program to run")
        }

        var environment = ProcessInfo.processInfo.environment
        environment["GROW_TILE"] = tile.name
        environment["GROW_TILE_INDEX"] = String(tile.index)
        environment["GROW_ATTEMPT"] = String(tile.attempt)
        environment["GROW_JOB"] = String(tile.job)
        if !tile.workDir.isEmpty { environment["GROW_WORK_DIR"] = tile.workDir }
        if let coordinates {
            environment["GROW_TILE_X"] = String(coordinates.x)
            environment["GROW_TILE_Y"] = String(coordinates.y)
        }
        if let projectFolder = spec.projectFolder { environment["GROW_PROJECT_FOLDER"] = projectFolder.description }
        for (key, value) in spec.environment {
            switch render(value, "environment.\(key)") {
            case .success(let text): environment[key] = text
            case .failure(let problem): return .failed(retryable: false, error: problem.message)
            }
        }

        if !tile.workDir.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: tile.workDir, withIntermediateDirectories: true)
            } catch {
                return .failed(
                    retryable: true,
                    error: "cannot create work directory \(tile.workDir): \(error.localizedDescription)")
            }
        }

        let deadline = spec.tileTimeoutSeconds.map {
            ContinuousClock.now.advanced(by: .nanoseconds(Int64(min($0, 1e9) * 1e9)))
        }
        let result: ChildProcess.Result
        do {
            result = try await ChildProcess.run(
                argv: argv, environment: environment, directory: tile.workDir.isEmpty ? nil : tile.workDir,
                deadline: deadline, cancellation: cancellation)
        } catch {
            switch error {
            case .notFound: return .failed(retryable: false, error: "command not found: \(program)")
            case .permissionDenied:
                return .failed(retryable: false, error: "cannot execute \(program): permission denied")
            case .other(let reason):
                return .failed(retryable: true, error: "cannot start \(program): \(reason)")
            }
        }
        return Self.outcome(of: result, timeout: spec.tileTimeoutSeconds)
    }

    static func outcome(of result: ChildProcess.Result, timeout: Double?) -> TileOutcome {
        let stderrText = String(decoding: result.stderrTail, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        func withTail(_ text: String) -> String {
            stderrText.isEmpty ? text : "\(text): \(stderrText)"
        }
        switch result.killedBecause {
        case .cancelled:
            return .failed(retryable: true, error: cancelledError)
        case .timedOut:
            return .failed(retryable: true, error: timeoutError(timeout ?? 0, tail: stderrText))
        case nil:
            break
        }
        switch result.termination {
        case .exited(0):
            return .done(detail: lastLine(result.stdoutTail))
        case .exited(let code):
            return .failed(retryable: true, error: withTail("exit \(code)"))
        case .signaled(let signal):
            return .failed(retryable: true, error: withTail("killed by signal \(signal)"))
        case .unknown:
            return .failed(retryable: true, error: withTail("exit status unknown"))
        }
    }

    /// The last non-empty line, at most `detailLimit` characters.
    static func lastLine(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) } ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > detailLimit ? String(trimmed.prefix(detailLimit)) : trimmed
    }
}
