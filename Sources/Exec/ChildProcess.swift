import Foundation
import Subprocess
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One command run with swift-subprocess in a process group of its own: stdin from /dev/null,
/// stdout and stderr read asynchronously and only their tails kept.
///
/// What swift-subprocess 1.0.2 does on Linux, so it is not repeated here: posix_spawn with a
/// closefrom(3) file action (no descriptor of the worker beyond 0/1/2 reaches the command), an
/// empty signal mask and every signal's disposition reset to default, and the exit is awaited
/// through a pidfd on its own monitor thread (no Swift concurrency thread blocks).
///
/// What it does not do is kill a whole process group safely: its `send(signal:toProcessGroup:)`
/// does not know whether the leader has been reaped, after which the group id may be reused.
/// So `CommandGroup` sends SIGKILL to the group itself, and only while the leader is known to be
/// unreaped (swift-subprocess reaps it after the body closure returns).
enum ChildProcess {
    enum SpawnError: Error, Equatable {
        case notFound
        case permissionDenied
        case other(String)
    }

    enum KillReason: Sendable, Equatable {
        case cancelled
        case timedOut
    }

    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        /// The exit status could not be read (e.g. SIGCHLD is ignored and the kernel reaped it).
        case unknown
    }

    struct Result: Sendable {
        var termination: Termination
        /// Set when we killed it (cancellation or timeout) before it ended by itself.
        var killedBecause: KillReason?
        var stdoutTail: [UInt8]
        var stderrTail: [UInt8]
    }

    static let stdoutKeep = 4096
    static let stderrKeep = 2048

    /// Runs `argv` (its first word looked up on the environment's PATH when it has no '/') with
    /// exactly `environment`, in `directory` (nil: the current one), until it ends, `deadline`
    /// passes or `cancellation` fires; either of the last two kills its whole process group.
    static func run(
        argv: [String], environment: [String: String], directory: String?, deadline: ContinuousClock.Instant?,
        cancellation: TileCancellation
    ) async throws(SpawnError) -> Result {
        let program = argv[0]
        let group = CommandGroup()
        let handler = cancellation.onCancel { group.kill(because: .cancelled) }
        defer { cancellation.removeHandler(handler) }
        if cancellation.isCancelled {
            return Result(termination: .unknown, killedBecause: .cancelled, stdoutTail: [], stderrTail: [])
        }

        var options = PlatformOptions()
        options.processGroupID = 0  // a new group, led by the command
        do {
            let finished = try await Subprocess.run(
                program.contains("/") ? .path(.init(program)) : .name(program),
                // argv[0] as written, not the path it resolved to.
                arguments: Arguments(executablePathOverride: program, remainingValues: Array(argv.dropFirst())),
                environment: .custom(
                    Dictionary(
                        uniqueKeysWithValues: environment.compactMap { key, value in
                            Environment.Key(rawValue: key).map { ($0, value) }
                        })),
                workingDirectory: directory.map { .init($0) },
                platformOptions: options,
                input: .none,
                output: .sequence,
                error: .sequence
            ) { execution in
                await group.supervise(
                    execution.processIdentifier, stdout: execution.standardOutput,
                    stderr: execution.standardError, deadline: deadline)
            }
            let termination: Termination =
                switch finished.terminationStatus {
                case .exited(let code): .exited(code)
                case .signaled(let signal): .signaled(signal)
                }
            var result = finished.closureResult
            result.termination = termination
            return result
        } catch let error as SubprocessError {
            // Thrown after the body had returned: the command ran, only its exit status could
            // not be read.
            if let result = group.finishedResult { return result }
            throw spawnError(error, program: program, environment: environment, directory: directory)
        } catch {
            throw .other("\(error)")
        }
    }

    private static func spawnError(
        _ error: SubprocessError, program: String, environment: [String: String], directory: String?
    ) -> SpawnError {
        let code = error.underlyingError?.rawValue
        if error.code == .executableNotFound {
            // swift-subprocess reports every ENOENT, EACCES and ENOTDIR from exec as not found.
            // Like execvp: permission denied when a candidate is there but not an executable
            // file; not found otherwise (also an executable script whose interpreter is missing).
            let denied = candidates(program, environment: environment, directory: directory).contains { path in
                var info = stat()
                guard stat(path, &info) == 0 else { return false }
                return info.st_mode & S_IFMT != S_IFREG || access(path, X_OK) != 0
            }
            return denied ? .permissionDenied : .notFound
        }
        switch code {
        case ENOENT, ENOTDIR: return .notFound
        case EACCES, EPERM, ENOEXEC: return .permissionDenied
        case let code?: return .other(String(cString: strerror(code)))
        case nil: return .other("\(error)")
        }
    }

    /// The files that running `program` may have tried.
    private static func candidates(_ program: String, environment: [String: String], directory: String?) -> [String] {
        if program.contains("/") {
            guard !program.hasPrefix("/"), let directory, !directory.isEmpty else { return [program] }
            return [(directory as NSString).appendingPathComponent(program)]
        }
        let path = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").filter { $0.hasPrefix("/") }.map { "\($0)/\(program)" }
    }
}

/// The running command's process group: killable from any thread until the leader is about to
/// be reaped; at the end, what the leader left running in its group is killed too.
final class CommandGroup: Sendable {
    private struct State {
        var leader: pid_t?
        /// The leader has exited and will be reaped: the group id is not ours any more.
        var released = false
        var killedBecause: ChildProcess.KillReason?
        var result: ChildProcess.Result?
    }

    private let state = Mutex(State())

    /// SIGKILL to the whole group (or as soon as it exists). The first reason given is reported.
    func kill(because reason: ChildProcess.KillReason) {
        state.withLock { state in
            guard !state.released else { return }
            if state.killedBecause == nil { state.killedBecause = reason }
            if let leader = state.leader { _ = Glibc.kill(-leader, SIGKILL) }
        }
    }

    /// The result of a command that ran to its end, if it did.
    var finishedResult: ChildProcess.Result? { state.withLock { $0.result } }

    /// Collects the tails of stdout and stderr, enforces `deadline`, and returns once the leader
    /// has exited (unreaped) and the rest of its group has been killed.
    func supervise(
        _ process: ProcessIdentifier, stdout: SubprocessOutputSequence, stderr: SubprocessOutputSequence,
        deadline: ContinuousClock.Instant?
    ) async -> ChildProcess.Result {
        let pid = process.value
        state.withLock { state in
            state.leader = pid
            // Cancelled while it was being started.
            if state.killedBecause != nil { _ = Glibc.kill(-pid, SIGKILL) }
        }
        let timer = deadline.map { deadline in
            Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                if !Task.isCancelled { kill(because: .timedOut) }
            }
        }
        defer { timer?.cancel() }
        // Both end at end of file, or when the leader exits while something it started still
        // holds them open (swift-subprocess then stops waiting for end of file).
        async let stdoutTail = Self.tail(of: stdout, keep: ChildProcess.stdoutKeep)
        async let stderrTail = Self.tail(of: stderr, keep: ChildProcess.stderrKeep)
        let tails = await (stdoutTail, stderrTail)
        await Self.untilExited(process)
        return state.withLock { state in
            _ = Glibc.kill(-pid, SIGKILL)
            state.released = true
            let result = ChildProcess.Result(
                termination: .unknown, killedBecause: state.killedBecause, stdoutTail: tails.0, stderrTail: tails.1)
            state.result = result
            return result
        }
    }

    /// The last `keep` bytes of `output`, holding no more than a chunk beyond that at a time.
    private static func tail(of output: SubprocessOutputSequence, keep: Int) async -> [UInt8] {
        var kept: [UInt8] = []
        do {
            for try await chunk in output {
                chunk.withUnsafeBytes { kept.append(contentsOf: $0.suffix(keep)) }
                if kept.count > 2 * keep { kept.removeFirst(kept.count - keep) }
            }
        } catch {
            // A read error ends the stream; what was read so far is still the tail.
        }
        return Array(kept.suffix(keep))
    }

    /// Returns once the leader has exited, without reaping it. Its output usually ends as it
    /// exits, but it becomes a zombie a little later (and a command may close its output and run
    /// on): its pidfd turns readable then, watched on a copy of its own so that swift-subprocess
    /// can close the original whenever it likes.
    private static func untilExited(_ process: ProcessIdentifier) async {
        guard !hasExited(process.value) else { return }
        let pidfd = process.processDescriptor >= 0 ? fcntl(process.processDescriptor, F_DUPFD_CLOEXEC, 3) : -1
        guard pidfd >= 0 else { return await pollUntilExited(process.value) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let source = DispatchSource.makeReadSource(fileDescriptor: pidfd, queue: .global())
            source.setEventHandler { source.cancel() }
            source.setCancelHandler {
                close(pidfd)
                continuation.resume()
            }
            source.activate()
        }
    }

    /// Without a pidfd (Linux before 5.3): polls, backing off to every 50 ms.
    private static func pollUntilExited(_ pid: pid_t) async {
        var pause = Duration.microseconds(100)
        while !hasExited(pid) {
            // In a task of its own, so that a cancelled tile (whose group is being killed) does
            // not turn this into a busy loop.
            let wait = pause
            await Task { try? await Task.sleep(for: wait) }.value
            pause = min(pause * 2, .milliseconds(50))
        }
    }

    private static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        while true {
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 { return info.si_signo == SIGCHLD }
            if errno == EINTR { continue }
            return true  // ECHILD: already reaped by someone else (SIGCHLD ignored)
        }
    }
}
