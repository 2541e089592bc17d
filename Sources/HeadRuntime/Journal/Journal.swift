import Foundation
import Wire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The head's write-ahead journal: job submissions and tile outcomes, appended without blocking
/// and made durable in batches (group commit), replayed and compacted when the head starts.
///
/// File format (`<state directory>/journal`, mode 0600, in a directory created 0700):
///
///     header  8 bytes   "GROWJNL" (ASCII) then the format version, 1
///     record  u32 LE    body length (1 or more)
///             u32 LE    CRC-32C (Castagnoli) of the body
///             body      kind (u8), then the kind's fields: unsigned integers as LEB128 varints,
///                       strings as a varint byte length and UTF-8 (Wire's `WireWriter` encoding)
///     record  ...
///
/// Body kinds and fields, in order:
///
///     1  jobSubmitted     job, name, spec, submittedUnixMs, recordsPath
///     2  tileFinished     job, index, attempt, durationMicros, worker
///     3  tileFailed       job, index, attempts, error
///     4  tileQuarantined  job, index, reason
///     5  jobCancelled     job, atUnixMs
///     6  jobFinished      job, finishedUnixMs
///     64 checkpoint       nextJobID                   (written by compaction only)
///     65 jobSummary       job, durationMicrosSum, durationMicrosMax,
///                         worker count, then (worker, tiles) pairs,
///                         run count, then (gap, length - 1) pairs: the finished tile indices as
///                         runs, each gap counted from one past the previous run's end
///                                                     (written by compaction only)
///
/// Bytes a body has after its kind's fields are ignored, so a later version can add fields to a
/// kind without a version change.
///
/// Replay reads records until the first one that is short (its header or body runs past the end
/// of the file), has length 0 (zeros a power loss left behind), or fails its CRC: that is a torn
/// or corrupt tail, and everything from there on is dropped (`JournalState.droppedTailBytes`).
/// A record that passes its CRC but cannot be read (an unknown kind, a malformed body) is not a
/// torn write; `open` refuses it with a `JournalError` rather than silently losing what follows.
/// Replaying a record twice is harmless: see `JournalReplay`.
///
/// Opening compacts: the state is written to `journal.compact` (header, a checkpoint with the
/// next job id, then per job its submission, a summary of its finished tiles, its failed and
/// quarantined tiles, how it ended), fsync'd, renamed over `journal`, and the directory fsync'd.
/// That also cuts off a dropped tail before new records are appended (the file as it was stays
/// as `journal.damaged` until the next drop, for inspection). Finished and cancelled
/// jobs beyond the `keepFinishedJobs` most recent (highest ids) are left out.
///
/// `journal.lock` in the same directory is held (flock) while a journal is open, so two heads
/// cannot share a state directory; the kernel releases it when the process dies.
package final class Journal: @unchecked Sendable {
    /// Finished jobs a restarted head recovers (and a running one keeps for `status`).
    package static let defaultKeepFinishedJobs = 50

    /// "GROWJNL" and the format version.
    static let header: [UInt8] = Array("GROWJNL".utf8) + [1]
    static let version: UInt8 = 1

    /// The journal file.
    package let path: String
    private let directory: String
    private let interval: Duration
    private let fd: Int32
    private let lockFD: Int32
    /// The file's size when this journal was opened (after compaction).
    private let baseBytes: Int

    // Everything below is guarded by `condition`'s lock.
    private let condition = NSCondition()
    /// Framed records not yet handed to the writer thread.
    private var pending: [UInt8] = []
    /// Bytes appended, handed to write(2), and fsync'd since open.
    private var appendedBytes = 0
    private var writtenBytes = 0
    private var durableBytes = 0
    private var syncWaiters = 0
    private var closing = false
    private var closed = false
    private var writerRunning = false
    private var failureStorage: JournalError?
    /// Told how long each fsync of a batch took (the head's metrics).
    private var syncObserver: (@Sendable (Duration) -> Void)?

    private init(path: String, directory: String, fd: Int32, lockFD: Int32, baseBytes: Int, interval: Duration) {
        self.path = path
        self.directory = directory
        self.fd = fd
        self.lockFD = lockFD
        self.baseBytes = baseBytes
        self.interval = interval
        pending.reserveCapacity(1 << 16)
    }

    /// Opens (creating) `<directory>/journal` (directory mode 0700, file 0600), replays it, drops a
    /// torn or corrupt tail (reported in the state), and compacts it (see the type's comment).
    /// `commitInterval` is the least time between two fsyncs of appended records.
    package static func open(
        directory: String, keepFinishedJobs: Int = defaultKeepFinishedJobs, commitInterval: Duration = .milliseconds(5)
    ) throws(JournalError) -> (Journal, JournalState) {
        try makeDirectory(directory)
        let path = directory + "/journal"
        let lockFD = try lock(directory + "/journal.lock")
        do throws(JournalError) {
            let data = try readFile(path)
            var replay = JournalReplay()
            let (goodEnd, records) = try replayRecords(data, path: path, into: &replay)
            replay.dropOldFinishedJobs(keeping: keepFinishedJobs)

            var bytes = header
            bytes.reserveCapacity(4096)
            for record in replay.compactedRecords() {
                appendFramed(to: &bytes) { record.encode(to: &$0) }
            }
            if goodEnd < data.count { keepDamagedCopy(path) }
            let fd = try replaceFile(path, directory: directory, with: bytes)

            let state = replay.state(
                droppedTailBytes: data.count - goodEnd, replayedRecords: records, bytesBeforeCompaction: data.count)
            let journal = Journal(
                path: path, directory: directory, fd: fd, lockFD: lockFD, baseBytes: bytes.count,
                interval: commitInterval)
            journal.startWriter()
            return (journal, state)
        } catch {
            _ = systemClose(lockFD)
            throw error
        }
    }

    /// Adds a record to the batch the writer thread writes next. Never blocks on disk (only on a
    /// lock held for the length of an encode or a buffer swap). Records appended after `close`,
    /// or after a write failure, are dropped.
    package func append(_ record: JournalRecord) {
        condition.lock()
        defer { condition.unlock() }
        guard !closing, failureStorage == nil else { return }
        let before = pending.count
        Self.appendFramed(to: &pending) { record.encode(to: &$0) }
        appendedBytes += pending.count - before
        if before == 0 { condition.broadcast() }
    }

    /// Calls `observer` (on the writer thread) with how long each batch's fsync took.
    package func observeSyncs(_ observer: @escaping @Sendable (Duration) -> Void) {
        condition.lock()
        defer { condition.unlock() }
        syncObserver = observer
    }

    /// Blocks until everything appended so far is written and fsync'd (or writing failed: see
    /// `failure`). For shutdown and tests; the head's event loop should not call it.
    package func sync() {
        condition.lock()
        defer { condition.unlock() }
        let target = appendedBytes
        guard durableBytes < target else { return }
        syncWaiters += 1
        condition.broadcast()
        while durableBytes < target && failureStorage == nil && writerRunning {
            condition.wait()
        }
        syncWaiters -= 1
    }

    /// Syncs, stops the writer thread and closes the file (and releases the directory's lock).
    /// Later appends are dropped; calling it again does nothing.
    package func close() {
        condition.lock()
        defer { condition.unlock() }
        if closing {
            while !closed { condition.wait() }
            return
        }
        closing = true
        condition.broadcast()
        while writerRunning { condition.wait() }
        _ = Self.systemClose(fd)
        _ = Self.systemClose(lockFD)
        closed = true
        condition.broadcast()
    }

    /// The journal file's length as written so far: the compacted file plus the records the
    /// writer has written (fsync'd or about to be).
    package var bytesWritten: Int {
        condition.lock()
        defer { condition.unlock() }
        return baseBytes + writtenBytes
    }

    /// Set when a write or fsync failed. The records appended since the last successful fsync may
    /// be lost, and nothing more is written: the head should stop, and a restart replays what
    /// did reach the disk.
    package var failure: JournalError? {
        condition.lock()
        defer { condition.unlock() }
        return failureStorage
    }

    // MARK: Group commit

    private func startWriter() {
        condition.lock()
        writerRunning = true
        condition.unlock()
        let thread = Thread { [self] in runWriter() }
        thread.name = "grow-journal"
        thread.start()
    }

    /// The writer thread: takes the whole pending batch, writes it with one write(2) and one
    /// fsync, and waits out the rest of `interval` before the next fsync unless `sync` or `close`
    /// is waiting. A batch grows while the previous one is fsync'd, so the fsync rate stays
    /// bounded however fast records arrive.
    private func runWriter() {
        let clock = ContinuousClock()
        var batch: [UInt8] = []
        batch.reserveCapacity(1 << 16)
        var lastSync: ContinuousClock.Instant?
        condition.lock()
        while true {
            while pending.isEmpty && !closing { condition.wait() }
            if pending.isEmpty { break }
            if let lastSync {
                let due = lastSync + interval
                while !closing && syncWaiters == 0 {
                    let now = clock.now
                    if now >= due { break }
                    _ = condition.wait(until: Date(timeIntervalSinceNow: Self.seconds(due - now)))
                }
            }
            swap(&batch, &pending)
            let target = appendedBytes
            condition.unlock()

            lastSync = clock.now
            let (written, error) = Self.writeAll(fd, batch, path: path)
            let syncStart = clock.now
            let failure = error ?? Self.fsyncFile(fd, path: path)
            let syncTime = clock.now - syncStart
            if batch.capacity > 1 << 22 {
                batch = []
                batch.reserveCapacity(1 << 16)
            } else {
                batch.removeAll(keepingCapacity: true)
            }

            condition.lock()
            if error == nil { syncObserver?(syncTime) }
            writtenBytes += written
            if let failure {
                failureStorage = failure
                pending = []
            } else {
                durableBytes = target
            }
            condition.broadcast()
        }
        writerRunning = false
        condition.broadcast()
        condition.unlock()
    }

    // MARK: Format

    /// Appends one record (header and body) to `bytes`; `body` writes the body.
    static func appendFramed(to bytes: inout [UInt8], _ body: (inout WireWriter) -> Void) {
        var writer = WireWriter(capacity: 0)
        swap(&writer.bytes, &bytes)
        let start = writer.bytes.count
        writer.bytes.append(contentsOf: repeatElement(0, count: 8))
        body(&writer)
        let length = writer.bytes.count - start - 8
        writer.bytes.withUnsafeMutableBytes { raw in
            let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[(start + 8)...]))
            raw.storeBytes(of: UInt32(length).littleEndian, toByteOffset: start, as: UInt32.self)
            raw.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self)
        }
        swap(&writer.bytes, &bytes)
    }

    /// Checks the header and applies every good record; returns where the good records end and
    /// how many there were.
    static func replayRecords(
        _ data: [UInt8], path: String, into replay: inout JournalReplay
    ) throws(JournalError) -> (end: Int, records: Int) {
        if data.isEmpty { return (0, 0) }
        if data.count < header.count {
            // Only a file cut short while its header was written; compaction never leaves one.
            guard header.starts(with: data) else {
                throw JournalError(
                    .notAJournal, path: path, "not a grow journal (\(data.count) bytes, no GROWJNL header)")
            }
            return (0, 0)
        }
        guard data[0..<7].elementsEqual(header[0..<7]) else {
            let first = data.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")
            throw JournalError(.notAJournal, path: path, "not a grow journal (starts with \(first), not GROWJNL)")
        }
        guard data[7] == version else {
            throw JournalError(
                .unsupportedVersion, path: path,
                "journal format version \(data[7]) is unknown to this build (it reads version \(version))")
        }
        let result: Result<(Int, Int), JournalError> = data.withUnsafeBytes { raw in
            var offset = header.count
            var records = 0
            while raw.count - offset >= 8 {
                let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                let crc = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
                guard length > 0, length <= raw.count - offset - 8 else { break }
                let body = UnsafeRawBufferPointer(rebasing: raw[(offset + 8)..<(offset + 8 + length)])
                guard CRC32C.checksum(body) == crc else { break }
                var reader = WireReader(unsafeBytes: body)
                let stored: StoredRecord?
                do {
                    stored = try StoredRecord.decode(&reader)
                } catch {
                    return .failure(
                        JournalError(.unreadableRecord, path: path, "record at byte \(offset) is malformed: \(error)"))
                }
                guard let stored else {
                    return .failure(
                        JournalError(
                            .unreadableRecord, path: path,
                            "record at byte \(offset) has kind \(body[0]), unknown to this build (a newer grow's?)"))
                }
                replay.apply(stored)
                records += 1
                offset += 8 + length
            }
            return .success((offset, records))
        }
        return try result.get()
    }

    // MARK: Files

    private static func makeDirectory(_ path: String) throws(JournalError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw JournalError(.unreadable, path: path, "state directory is not a directory")
            }
            return
        }
        guard errno == ENOENT else { throw posixError(path, "cannot stat the state directory") }
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let parent: String
        if let slash = trimmed.lastIndex(of: "/") {
            parent = slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
            try makeDirectory(parent)
        } else {
            parent = "."
        }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw posixError(path, "cannot create the state directory")
        }
        _ = chmod(path, 0o700)
        // Make the new directory's entry durable too (best effort).
        let parentFD = openFile(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if parentFD >= 0 {
            _ = fsyncFile(parentFD, path: parent)
            _ = systemClose(parentFD)
        }
    }

    private static func lock(_ path: String) throws(JournalError) -> Int32 {
        let fd = openFile(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw posixError(path, "cannot open the lock file") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let failure =
                errno == EWOULDBLOCK
                ? JournalError(
                    .locked, path: path, "locked by another process (another grow-head on this state directory?)")
                : posixError(path, "cannot lock")
            _ = systemClose(fd)
            throw failure
        }
        return fd
    }

    /// The whole file, or nothing when there is none yet.
    private static func readFile(_ path: String) throws(JournalError) -> [UInt8] {
        let fd = openFile(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return [] }
            throw posixError(path, "cannot open")
        }
        defer { _ = systemClose(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw posixError(path, "cannot stat") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw JournalError(.unreadable, path: path, "not a regular file")
        }
        var data = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while true {
            if filled == data.count { data.append(contentsOf: repeatElement(0, count: max(4096, data.count))) }
            let count = data.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + filled, raw.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw posixError(path, "cannot read")
            }
            if count == 0 { break }
            filled += count
        }
        data.removeSubrange(filled...)
        return data
    }

    /// Writes `bytes` to `<path>.compact`, fsyncs it, renames it over `path` and fsyncs the
    /// directory. Returns the new file's descriptor, positioned at its end.
    private static func replaceFile(_ path: String, directory: String, with bytes: [UInt8]) throws(JournalError)
        -> Int32
    {
        let temporary = path + ".compact"
        let fd = openFile(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw posixError(temporary, "cannot create") }
        do throws(JournalError) {
            guard fchmod(fd, 0o600) == 0 else { throw posixError(temporary, "cannot chmod 0600") }
            if let failure = writeAll(fd, bytes, path: temporary).error { throw failure }
            if let failure = fsyncFile(fd, path: temporary) { throw failure }
            guard rename(temporary, path) == 0 else { throw posixError(path, "cannot rename \(temporary) over it") }
        } catch {
            _ = systemClose(fd)
            throw error
        }
        let directoryFD = openFile(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            let failure = fsyncFile(directoryFD, path: directory)
            _ = systemClose(directoryFD)
            if let failure {
                _ = systemClose(fd)
                throw failure
            }
        }
        return fd
    }

    /// Before compaction cuts off a dropped tail, keeps the file as it was under
    /// `journal.damaged` (a hard link, so `journal` exists throughout), for a post-mortem of
    /// anything worse than a torn last record. Best effort; the next drop replaces it.
    private static func keepDamagedCopy(_ path: String) {
        let copy = path + ".damaged"
        _ = unlink(copy)
        _ = link(path, copy)
    }

    /// Writes all of `bytes`; returns how many were written and the error that stopped it.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) -> (written: Int, error: JournalError?) {
        bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let count = write(fd, raw.baseAddress! + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return (written, posixError(path, "write failed", writing: true))
                }
                written += count
            }
            return (written, nil)
        }
    }

    private static func fsyncFile(_ fd: Int32, path: String) -> JournalError? {
        while true {
            #if canImport(Darwin)
                // fsync on Darwin leaves the data in the drive's cache.
                let result = fcntl(fd, F_FULLFSYNC) == 0 ? 0 : fsync(fd)
            #else
                let result = fsync(fd)
            #endif
            if result == 0 { return nil }
            if errno != EINTR { return posixError(path, "fsync failed", writing: true) }
        }
    }

    private static func openFile(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
        #if canImport(Darwin)
            return Darwin.open(path, flags, mode)
        #elseif canImport(Musl)
            return Musl.open(path, flags, mode)
        #else
            return Glibc.open(path, flags, mode)
        #endif
    }

    private static func systemClose(_ fd: Int32) -> Int32 {
        #if canImport(Darwin)
            return Darwin.close(fd)
        #elseif canImport(Musl)
            return Musl.close(fd)
        #else
            return Glibc.close(fd)
        #endif
    }

    /// A `JournalError` from `errno`.
    private static func posixError(_ path: String, _ what: String, writing: Bool = false) -> JournalError {
        let code = errno
        let kind: JournalError.Kind =
            writing ? .writeFailed : (code == EACCES || code == EPERM) ? .permissionDenied : .unreadable
        return JournalError(kind, path: path, "\(what): \(String(cString: strerror(code)))")
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
