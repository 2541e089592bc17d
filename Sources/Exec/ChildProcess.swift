import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One command started with posix_spawn in its own process group: stdin from /dev/null, stdout and
/// stderr into pipes whose tails are kept. Not Foundation.Process: it is slow to start and has had
/// thread-safety problems on Linux.
///
/// `wait` blocks, so it runs on a thread of its own (see `TileExecutor`), polling the pipes and the
/// child's state; `kill` may be called from any thread and is safe until the child is reaped (the
/// process group id cannot be reused while its leader is an unreaped zombie).
final class ChildProcess: Sendable {
    enum SpawnError: Error, Equatable {
        case notFound
        case permissionDenied
        case other(Int32)
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

    let pid: pid_t
    private let stdoutFD: Int32
    private let stderrFD: Int32

    private struct State {
        var reaped = false
        var killedBecause: KillReason?
    }

    private let state = Mutex(State())

    private init(pid: pid_t, stdoutFD: Int32, stderrFD: Int32) {
        self.pid = pid
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
    }

    /// Starts `argv` (looked up on PATH when it has no '/') with exactly `environment`, in
    /// `directory` (nil: the current one).
    static func spawn(argv: [String], environment: [String: String], directory: String?) throws(SpawnError)
        -> ChildProcess
    {
        var stdoutPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        let stdoutError = GlibcExtras.closeOnExecPipe(&stdoutPipe)
        guard stdoutError == 0 else { throw .other(stdoutError) }
        let code = GlibcExtras.closeOnExecPipe(&stderrPipe)
        guard code == 0 else {
            close(stdoutPipe[0])
            close(stdoutPipe[1])
            throw .other(code)
        }
        defer {
            close(stdoutPipe[1])
            close(stderrPipe[1])
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        // Nothing else of the worker's (sockets, journals) leaks into the command.
        GlibcExtras.addClosefrom(&actions, 3)
        if let directory, !directory.isEmpty {
            let status = GlibcExtras.addChdir(&actions, directory)
            if status != 0 {
                close(stdoutPipe[0])
                close(stderrPipe[0])
                throw .other(status)
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in cArgv { free(pointer) }
            for pointer in cEnv { free(pointer) }
        }

        var pid: pid_t = 0
        let status = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgv, cEnv)
        guard status == 0 else {
            close(stdoutPipe[0])
            close(stderrPipe[0])
            switch status {
            case ENOENT, ENOTDIR: throw .notFound
            case EACCES, EPERM, ENOEXEC: throw .permissionDenied
            default: throw .other(status)
            }
        }
        for fd in [stdoutPipe[0], stderrPipe[0]] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        return ChildProcess(pid: pid, stdoutFD: stdoutPipe[0], stderrFD: stderrPipe[0])
    }

    /// SIGKILL to the whole process group, unless the child is already reaped. The first reason
    /// given is the one reported.
    func kill(because reason: KillReason) {
        state.withLock { state in
            guard !state.reaped else { return }
            if state.killedBecause == nil { state.killedBecause = reason }
            _ = Glibc.kill(-pid, SIGKILL)
        }
    }

    /// Blocks until the child ends, collecting output; kills it at `deadline`. Call once.
    func wait(deadline: ContinuousClock.Instant?) -> Result {
        var stdoutTail = Tail(keep: Self.stdoutKeep)
        var stderrTail = Tail(keep: Self.stderrKeep)
        var open: [Int32] = [stdoutFD, stderrFD]

        func pump(timeoutMs: Int32) {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), timeoutMs)
            guard ready > 0 else { return }
            for entry in fds where entry.revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 16384)
                while true {
                    let count = read(entry.fd, &buffer, buffer.count)
                    if count > 0 {
                        if entry.fd == stdoutFD {
                            stdoutTail.append(buffer[0..<count])
                        } else {
                            stderrTail.append(buffer[0..<count])
                        }
                        continue
                    }
                    if count == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
                        open.removeAll { $0 == entry.fd }
                    }
                    if count < 0 && errno == EINTR { continue }
                    break
                }
            }
        }

        // Until the child has exited (seen without reaping it, so kill() stays safe).
        while !hasExited() {
            var timeoutMs: Int32 = open.isEmpty ? 20 : 100
            if let deadline {
                let now = ContinuousClock.now
                if now >= deadline {
                    kill(because: .timedOut)
                    timeoutMs = 10
                } else {
                    let left = now.duration(to: deadline).components
                    let leftMs = left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000 + 1
                    timeoutMs = Int32(min(Int64(timeoutMs), leftMs))
                }
            }
            if open.isEmpty {
                usleep(UInt32(timeoutMs) * 1000)
            } else {
                pump(timeoutMs: timeoutMs)
            }
        }

        // The leader is gone: take down what it left in its group, then reap it.
        let killedBecause = state.withLock { state -> KillReason? in
            _ = Glibc.kill(-pid, SIGKILL)
            state.reaped = true
            return state.killedBecause
        }
        var status: Int32 = 0
        var waited: pid_t
        repeat { waited = waitpid(pid, &status, 0) } while waited < 0 && errno == EINTR
        let termination: Termination
        if waited != pid {
            termination = .unknown
        } else if status & 0x7F == 0 {
            termination = .exited((status >> 8) & 0xFF)
        } else {
            termination = .signaled(status & 0x7F)
        }

        // Drain what is left in the pipes; a process that escaped the group may hold them open,
        // so give up after a short grace.
        let drainUntil = ContinuousClock.now.advanced(by: .milliseconds(500))
        while !open.isEmpty, ContinuousClock.now < drainUntil {
            pump(timeoutMs: 50)
        }
        close(stdoutFD)
        close(stderrFD)
        return Result(
            termination: termination, killedBecause: killedBecause, stdoutTail: stdoutTail.bytes,
            stderrTail: stderrTail.bytes)
    }

    private func hasExited() -> Bool {
        var info = siginfo_t()
        while true {
            let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
            if result == 0 { return info.si_signo == SIGCHLD }
            if errno == EINTR { continue }
            return true  // ECHILD: already reaped by someone else (SIGCHLD ignored)
        }
    }
}

/// The last `keep` bytes of a stream.
struct Tail {
    let keep: Int
    private var buffer: [UInt8] = []

    init(keep: Int) {
        self.keep = keep
    }

    mutating func append(_ chunk: ArraySlice<UInt8>) {
        buffer.append(contentsOf: chunk.suffix(keep))
        if buffer.count > keep * 2 {
            buffer.removeFirst(buffer.count - keep)
        }
    }

    var bytes: [UInt8] { Array(buffer.suffix(keep)) }
}
