import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A local file that appears whole or not at all: written under a temporary name in the same
/// folder, then fsynced and renamed over the final name.
struct LocalFile {
    let path: String
    let temporaryPath: String
    let descriptor: Int32

    /// Creates the temporary file (and missing parent folders).
    init(creating path: String, mode: mode_t = 0o644) throws(S3Error) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw S3Error(.failed, path, "cannot create its folder: \(error.localizedDescription)")
            }
        }
        let name = (path as NSString).lastPathComponent
        temporaryPath = ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(
            ".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        descriptor = open(temporaryPath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Self.error(path, "cannot create", errno) }
        self.path = path
    }

    /// fsync, close, rename into place.
    func commit() throws(S3Error) {
        if fsync(descriptor) != 0 {
            let code = errno
            discard()
            throw Self.error(path, "cannot fsync", code)
        }
        close(descriptor)
        if rename(temporaryPath, path) != 0 {
            let code = errno
            unlink(temporaryPath)
            throw Self.error(path, "cannot rename into place", code)
        }
    }

    func discard() {
        close(descriptor)
        unlink(temporaryPath)
    }

    static func error(_ path: String, _ what: String, _ code: Int32) -> S3Error {
        let kind: S3Error.Kind =
            switch code {
            case ENOENT: .notFound
            case EACCES, EPERM, EISDIR, ENOTDIR: .invalid
            default: .failed
            }
        return S3Error(kind, path, "\(what): \(String(cString: strerror(code)))")
    }
}
