import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Local files that appear whole or not at all: written under a temporary name in the same
/// folder, fsynced, then renamed over the final name (rename is atomic within a file system).
package enum AtomicFile {
    /// Writes `bytes` to `path`, creating missing parent folders. Throws a one-line message.
    package static func write(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(StorageError) {
        try write(path, mode: mode) { fd throws(StorageError) in
            if let error = writeAll(fd, bytes) { throw StorageError(.failed, path, "cannot write: \(text(error))") }
        }
    }

    /// Copies the file at `source` to `path` in 1 MiB pieces.
    package static func copy(from source: String, to path: String, mode: mode_t = 0o644) throws(StorageError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw openError(source, errno) }
        defer { close(input) }
        try write(path, mode: mode) { fd throws(StorageError) in
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw StorageError(.failed, source, "cannot read: \(text(errno))")
                }
                if count == 0 { return }
                if let error = writeAll(fd, Array(buffer[0..<count])) {
                    throw StorageError(.failed, path, "cannot write: \(text(error))")
                }
            }
        }
    }

    /// temp file → `fill` → fsync → rename; the temp file is removed on any failure.
    package static func write(
        _ path: String, mode: mode_t, fill: (Int32) throws(StorageError) -> Void
    ) throws(StorageError) {
        let folder = (path as NSString).deletingLastPathComponent
        try makeFolders(folder.isEmpty ? "." : folder)
        let name = (path as NSString).lastPathComponent
        let tempPath = (folder as NSString).appendingPathComponent(
            ".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw StorageError(.failed, path, "cannot create: \(text(errno))") }
        do throws(StorageError) {
            try fill(fd)
            if fchmod(fd, mode) != 0 { throw StorageError(.failed, path, "cannot set its mode: \(text(errno))") }
            if fsync(fd) != 0 { throw StorageError(.failed, path, "cannot fsync: \(text(errno))") }
            if close(fd) != 0 { throw StorageError(.failed, path, "cannot close: \(text(errno))") }
        } catch {
            close(fd)
            unlink(tempPath)
            throw error
        }
        if rename(tempPath, path) != 0 {
            let error = errno
            unlink(tempPath)
            throw StorageError(.failed, path, "cannot rename into place: \(text(error))")
        }
    }

    /// `mkdir -p`.
    package static func makeFolders(_ path: String) throws(StorageError) {
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { return }
            throw StorageError(.invalid, path, "exists and is not a folder")
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeFolders(parent) }
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw StorageError(errno == EACCES ? .denied : .failed, path, "cannot create the folder: \(text(errno))")
        }
    }

    package static func openError(_ path: String, _ code: Int32) -> StorageError {
        switch code {
        case ENOENT: StorageError(.notFound, path, "no such file")
        case EACCES, EPERM: StorageError(.denied, path, "permission denied")
        default: StorageError(.failed, path, "cannot open: \(text(code))")
        }
    }

    /// nil on success, else errno.
    package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }

    package static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}
