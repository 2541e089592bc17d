import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One of this module's Python sources written where an interpreter can run it: a file (0600) in
/// a folder of its own (0700, mkdtemp) under the temporary directory. The sources live in Swift
/// string literals, so a binary copied alone (the release build) still has them.
struct ScriptFile: Sendable {
    let folder: String
    let path: String

    init(source: String, name: String) throws {
        var template = Array((NSTemporaryDirectory() + "grow-eogrow-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ScriptFileError("cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        folder = String(cString: made)
        path = folder + "/" + name
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ScriptFileError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data(source.utf8))
        } catch {
            throw ScriptFileError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }
}

struct ScriptFileError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
