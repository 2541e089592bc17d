import Foundation
import Subprocess
import Synchronization

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// One long-lived Python process running the worker script: a line of JSON in, a line of JSON
/// out. It runs in a process group of its own, so `kill` takes whatever it started with it.
///
/// swift-subprocess starts it (posix_spawn, descriptors beyond 0/1/2 closed, signals reset) and
/// owns it inside `run`'s body, which lives as long as the process: the body writes the queued
/// lines to its stdin, hands its stdout lines to `nextLine()` and keeps the tail of its stderr.
/// The group is killed only while the body runs, when the leader is not reaped yet, so the group
/// id is still this process's.
final class PythonWorkerProcess: Sendable {
    enum KillReason: Sendable, Equatable {
        case cancelled
        case timedOut
    }

    enum Reply: Sendable, Equatable {
        case line(String)
        /// The process is gone (exited, killed, or never started).
        case ended
    }

    private struct State {
        var pid: pid_t?
        /// The leader has exited (or will be reaped soon): its group id is not ours any more.
        var released = false
        var ended = false
        var killedBecause: KillReason?
        var waiting: CheckedContinuation<Reply, Never>?
        var unread: [String] = []
        var stderrTail: [UInt8] = []
        var startError: String?
        var greeted = false
        var discarded = false
    }

    static let stderrKeep = 4096

    private let state = Mutex(State())
    private let outgoing: AsyncStream<[UInt8]>
    private let outgoingContinuation: AsyncStream<[UInt8]>.Continuation

    private init() {
        (outgoing, outgoingContinuation) = AsyncStream.makeStream(of: [UInt8].self)
    }

    /// Starts `python script` in `directory`; its first line (the script's greeting) comes from
    /// `nextLine()` like every other.
    /// `environment`: changes to the inherited one (nil removes a variable).
    static func start(python: String, script: String, directory: String?, environment: [String: String?])
        -> PythonWorkerProcess
    {
        let process = PythonWorkerProcess()
        Task.detached {
            await process.supervise(python: python, script: script, directory: directory, environment: environment)
        }
        return process
    }

    /// Queues one line for the process's stdin.
    func send(_ line: String) {
        outgoingContinuation.yield(Array((line + "\n").utf8))
    }

    /// The next line the process writes, or `.ended` once it is gone. One caller at a time.
    func nextLine() async -> Reply {
        await withCheckedContinuation { continuation in
            let reply = state.withLock { state -> Reply? in
                if !state.unread.isEmpty { return .line(state.unread.removeFirst()) }
                if state.ended { return .ended }
                state.waiting = continuation
                return nil
            }
            if let reply { continuation.resume(returning: reply) }
        }
    }

    /// SIGKILL to the process's group (now, or as soon as it has started). The first reason is kept.
    func kill(because reason: KillReason) {
        state.withLock { state in
            state.discarded = true
            if state.killedBecause == nil { state.killedBecause = reason }
            if let pid = state.pid, !state.released { _ = Glibc.kill(-pid, SIGKILL) }
        }
    }

    /// SIGKILL to the group without a reason: a process that is of no use (it cannot run eo-grow).
    func discard() {
        state.withLock { state in
            state.discarded = true
            if let pid = state.pid, !state.released { _ = Glibc.kill(-pid, SIGKILL) }
        }
    }

    /// Whether its greeting (the first line, eo-grow imported) has been read.
    var isGreeted: Bool {
        get { state.withLock { $0.greeted } }
        set { state.withLock { $0.greeted = newValue } }
    }

    var killedBecause: KillReason? { state.withLock { $0.killedBecause } }
    var isEnded: Bool { state.withLock { $0.ended } }
    /// Whether it may take another tile: neither ended nor given up on.
    var isReusable: Bool { state.withLock { !$0.ended && !$0.discarded && $0.killedBecause == nil } }
    var pid: pid_t? { state.withLock { $0.pid } }

    /// Why it ended, for an error: why it could not start, or the last lines of its stderr.
    var endText: String {
        state.withLock { state in
            if let startError = state.startError { return startError }
            let text = String(decoding: state.stderrTail, as: UTF8.self)
            let lines = text.split(whereSeparator: \.isNewline).suffix(6).joined(separator: "\n")
            return lines.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    // MARK: - The body

    private func supervise(python: String, script: String, directory: String?, environment: [String: String?])
        async
    {
        var options = PlatformOptions()
        options.processGroupID = 0  // a new group, led by the interpreter
        do {
            _ = try await Subprocess.run(
                .path(FilePath(python)),
                arguments: [script],
                environment: .inherit.updating(
                    Dictionary(
                        uniqueKeysWithValues: environment.compactMap { key, value in
                            Environment.Key(rawValue: key).map { ($0, value) }
                        })),
                workingDirectory: directory.map { FilePath($0) },
                platformOptions: options,
                input: .inputWriter,
                output: .sequence,
                error: .sequence
            ) { execution in
                let pid = execution.processIdentifier.value
                self.state.withLock { state in
                    state.pid = pid
                    if state.killedBecause != nil { _ = Glibc.kill(-pid, SIGKILL) }
                }
                let writer = execution.standardInputWriter
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.keepTail(of: execution.standardError) }
                    group.addTask {
                        for await bytes in self.outgoing {
                            do { _ = try await writer.write(bytes) } catch { break }
                        }
                        try? await writer.finish()
                    }
                    await self.readLines(execution.standardOutput)
                    // Its stdout has ended: it exited or is about to. Stop the writer.
                    self.outgoingContinuation.finish()
                }
                self.state.withLock { state in
                    _ = Glibc.kill(-pid, SIGKILL)  // what it left running in its group
                    state.released = true
                }
            }
        } catch {
            state.withLock { $0.startError = "cannot start \(python): \(error)" }
        }
        outgoingContinuation.finish()
        let waiting = state.withLock { state -> CheckedContinuation<Reply, Never>? in
            state.ended = true
            state.released = true
            defer { state.waiting = nil }
            return state.waiting
        }
        waiting?.resume(returning: .ended)
    }

    private func readLines(_ output: SubprocessOutputSequence) async {
        var pending: [UInt8] = []
        do {
            for try await chunk in output {
                chunk.withUnsafeBytes { pending.append(contentsOf: $0) }
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    deliver(line)
                }
            }
        } catch {
            // A read error ends the stream like an end of file.
        }
    }

    private func deliver(_ line: String) {
        let waiting = state.withLock { state -> CheckedContinuation<Reply, Never>? in
            guard let waiting = state.waiting else {
                state.unread.append(line)
                return nil
            }
            state.waiting = nil
            return waiting
        }
        waiting?.resume(returning: .line(line))
    }

    private func keepTail(of errors: SubprocessOutputSequence) async {
        do {
            for try await chunk in errors {
                chunk.withUnsafeBytes { bytes in
                    state.withLock { state in
                        state.stderrTail.append(contentsOf: bytes.suffix(Self.stderrKeep))
                        if state.stderrTail.count > 2 * Self.stderrKeep {
                            state.stderrTail.removeFirst(state.stderrTail.count - Self.stderrKeep)
                        }
                    }
                }
            }
        } catch {
            // What was read so far is still the tail.
        }
    }
}
