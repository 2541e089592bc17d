import Exec
import Foundation
import GrowJob
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the tiles of `eogrow` jobs: each tile is one execution of an eo-grow pipeline, run by
/// eo-learn in a Python process (`WorkerScript`). A slot takes an idle process, or starts one on
/// its first such tile; the process keeps eo-grow imported and each job's executions unpickled,
/// so it is handed back after the tile and reused, across jobs too. A tile that is cancelled or
/// runs over its `tile_timeout` kills its process (and the process group), and the next tile
/// starts a fresh one; a process that died is not reused. Never more processes than tiles running
/// at once, so at most one per slot.
package final class EOGrowRunner: TileRunner {
    /// The interpreter as given (for messages) and found (to run).
    let python: String
    let workDirectory: String?
    private let state = Mutex(State())

    private struct State {
        var script: ScriptFile?
        var idle: [PythonWorkerProcess] = []
    }

    /// `python`: the interpreter with eo-grow (`EOGrowInterpreter.resolve`); `workDirectory`: where
    /// the processes run (created if missing).
    package init(python: String, workDirectory: String? = nil) {
        self.python = python
        self.workDirectory = workDirectory
    }

    deinit {
        state.withLock { state in
            for process in state.idle { process.kill(because: .cancelled) }
            state.script?.remove()
        }
    }

    package func run(_ spec: JobSpec, _ tile: TileContext, cancellation: TileCancellation) async -> TileOutcome {
        guard let task = spec.eoGrow else {
            return .failed(retryable: false, error: "the job has no \"eogrow\" task")
        }
        let deadline = spec.tileTimeoutSeconds.map {
            ContinuousClock.now.advanced(by: .nanoseconds(Int64(min($0, 1e9) * 1e9)))
        }
        let process: PythonWorkerProcess
        switch checkOut() {
        case .success(let found): process = found
        case .failure(let problem): return .failed(retryable: true, error: problem.description)
        }
        // The tile's time covers starting the process too.
        let onCancel = cancellation.onCancel { process.kill(because: .cancelled) }
        let timer = deadline.map { deadline in
            Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                if !Task.isCancelled { process.kill(because: .timedOut) }
            }
        }
        defer {
            timer?.cancel()
            cancellation.removeHandler(onCancel)
        }

        let outcome = await withTaskCancellationHandler {
            await runTile(task, tile, on: process)
        } onCancel: {
            process.kill(because: .cancelled)
        }
        switch process.killedBecause {
        case .cancelled?:
            return .failed(retryable: true, error: "cancelled")
        case .timedOut?:
            return .failed(retryable: true, error: TileExecutor.timeoutError(spec.tileTimeoutSeconds ?? 0, tail: ""))
        case nil:
            if process.isReusable { checkIn(process) }
            return outcome
        }
    }

    /// One request and its answer; `process` may be new (its greeting comes first).
    private func runTile(_ task: EOGrowTask, _ tile: TileContext, on process: PythonWorkerProcess) async
        -> TileOutcome
    {
        if !process.isGreeted {
            switch await process.nextLine() {
            case .line(let text):
                guard let greeting = Self.object(text), greeting["ready"] as? Bool == true else {
                    process.discard()
                    let reason = Self.object(text)?["error"] as? String ?? "it said \(text.prefix(200))"
                    // Retryable: another worker's Python may have eo-grow.
                    return .failed(retryable: true, error: EOGrowInterpreter.problem(python, reason: reason))
                }
                process.isGreeted = true
            case .ended:
                return .failed(retryable: true, error: died(process, while: "starting"))
            }
        }
        // The process keeps a job's executions under this key: the job's number and what it holds
        // (a restarted head numbers its jobs from 1 again).
        let key = "\(tile.job)-\(String(FNV1a.hash(Array(task.payload.utf8)), radix: 16))"
        // The payload goes only to a process that asks for it: once per job, not once per tile.
        var reply = await exchange(["job": key, "execution": tile.name], with: process)
        if case .answer(let answer) = reply, answer["need"] as? String == "task" {
            reply = await exchange(
                ["job": key, "execution": tile.name, "task": Self.taskObject(task)], with: process)
        }
        switch reply {
        case .answer(let answer):
            guard let ok = answer["ok"] as? Bool else {
                process.discard()
                return .failed(retryable: true, error: "the eo-grow process answered \(Self.text(answer).prefix(200))")
            }
            if ok { return .done(detail: String((answer["detail"] as? String ?? "").prefix(200))) }
            return .failed(
                retryable: answer["retryable"] as? Bool ?? true, error: answer["error"] as? String ?? "failed")
        case .garbled(let text):
            process.discard()
            return .failed(retryable: true, error: "the eo-grow process answered \(text.prefix(200))")
        case .ended:
            return .failed(retryable: true, error: died(process, while: "running \(tile.name)"))
        }
    }

    private enum Exchange {
        case answer([String: Any])
        case garbled(String)
        case ended
    }

    /// Sends one request and reads its answer.
    private func exchange(_ request: [String: Any], with process: PythonWorkerProcess) async -> Exchange {
        guard let data = try? JSONSerialization.data(withJSONObject: request) else {
            return .garbled("(a request that cannot be written)")
        }
        process.send(String(decoding: data, as: UTF8.self))
        switch await process.nextLine() {
        case .line(let text):
            guard let answer = Self.object(text) else { return .garbled(text) }
            return .answer(answer)
        case .ended:
            return .ended
        }
    }

    static func text(_ object: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: object)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    private func died(_ process: PythonWorkerProcess, while doing: String) -> String {
        let tail = process.endText
        return "the eo-grow process (\(python)) ended while \(doing)" + (tail.isEmpty ? "" : ": \(tail)")
    }

    static func taskObject(_ task: EOGrowTask) -> [String: Any] {
        var object: [String: Any] = ["pipeline": task.pipeline, "payload": task.payload, "sys_path": task.sysPath]
        if let workingDirectory = task.workingDirectory { object["working_directory"] = workingDirectory }
        return object
    }

    static func object(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    // MARK: - The pool

    private func checkOut() -> Result<PythonWorkerProcess, ScriptFileError> {
        let taken = state.withLock { state -> Result<PythonWorkerProcess?, ScriptFileError> in
            while let process = state.idle.popLast() {
                if process.isReusable { return .success(process) }
            }
            if state.script == nil {
                do {
                    state.script = try ScriptFile(source: WorkerScript.source, name: "grow_eogrow_worker.py")
                } catch let error as ScriptFileError {
                    return .failure(error)
                } catch {
                    return .failure(ScriptFileError("\(error)"))
                }
            }
            return .success(nil)
        }
        switch taken {
        case .failure(let error): return .failure(error)
        case .success(let process?): return .success(process)
        case .success(nil): break
        }
        // A write to the stdin of a process that just died must be an error, not the end of the worker.
        signal(SIGPIPE, SIG_IGN)
        guard let path = EOGrowInterpreter.locate(python) else {
            return .failure(ScriptFileError(EOGrowInterpreter.problem(python, reason: "no such program")))
        }
        if let workDirectory {
            try? FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        }
        let script = state.withLock { $0.script?.path ?? "" }
        return .success(
            PythonWorkerProcess.start(
                python: path, script: script, directory: workDirectory,
                // The pipeline's code has no use for the cluster's token.
                environment: ["PYTHONUNBUFFERED": "1", "GROW_TOKEN": nil]))
    }

    private func checkIn(_ process: PythonWorkerProcess) {
        state.withLock { $0.idle.append(process) }
    }
}
