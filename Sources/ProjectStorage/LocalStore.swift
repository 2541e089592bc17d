import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A project folder on a local (or network-mounted) file system.
package struct LocalStore: ProjectStore {
    package let root: String

    package init(root: String) {
        self.root = root
    }

    package func path(_ key: String) -> String {
        key.isEmpty ? root : (root as NSString).appendingPathComponent(key)
    }

    package func read(_ key: String) throws -> [UInt8] {
        try read(key, range: 0..<UInt64.max)
    }

    package func read(_ key: String, range: Range<UInt64>) throws -> [UInt8] {
        let path = path(key)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw AtomicFile.openError(path, errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StorageError(.failed, path, "cannot stat: \(AtomicFile.text(errno))") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw StorageError(.invalid, path, "is a folder, not a file") }
        let size = UInt64(info.st_size)
        let start = min(range.lowerBound, size)
        let end = min(range.upperBound, size)
        var bytes = [UInt8](repeating: 0, count: Int(end - start))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, raw.count - done, off_t(start) + off_t(done))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw StorageError(.failed, path, "cannot read: \(AtomicFile.text(errno))")
            }
            if count == 0 { break }
            done += count
        }
        return done == bytes.count ? bytes : Array(bytes[0..<done])
    }

    package func write(_ key: String, bytes: [UInt8]) throws {
        try AtomicFile.write(path(key), bytes)
    }

    package func upload(_ key: String, fromFile source: String) throws {
        try AtomicFile.copy(from: source, to: path(key))
    }

    package func download(_ key: String, toFile destination: String) throws {
        try AtomicFile.copy(from: path(key), to: destination)
    }

    package func exists(_ key: String) throws -> Bool {
        var info = stat()
        if stat(path(key), &info) == 0 { return true }
        if errno == ENOENT || errno == ENOTDIR { return false }
        throw AtomicFile.openError(path(key), errno)
    }

    package func list(prefix: String) throws -> [StorageObject] {
        // Walk from the deepest folder the prefix names, then filter by the full prefix.
        let folderKey =
            prefix.hasSuffix("/") ? String(prefix.dropLast()) : (prefix as NSString).deletingLastPathComponent
        var found: [StorageObject] = []
        try walk(folderKey, into: &found)
        return found.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }
    }

    private func walk(_ folderKey: String, into found: inout [StorageObject]) throws {
        let folder = path(folderKey)
        guard let directory = opendir(folder) else {
            if errno == ENOENT || errno == ENOTDIR { return }
            throw AtomicFile.openError(folder, errno)
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            // Skip . and .. and the temporary files of writes in progress.
            if name == "." || name == ".." || (name.hasPrefix(".") && name.contains(".tmp-")) { continue }
            let key = folderKey.isEmpty ? name : folderKey + "/" + name
            var info = stat()
            guard stat(path(key), &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                try walk(key, into: &found)
            } else {
                found.append(StorageObject(key: key, size: UInt64(info.st_size)))
            }
        }
    }

    package func delete(_ key: String) throws {
        if unlink(path(key)) != 0, errno != ENOENT {
            throw StorageError(.failed, path(key), "cannot delete: \(AtomicFile.text(errno))")
        }
    }

    package var directAccess: DirectAccess? { DirectAccess(prefix: root, options: [:]) }
}
