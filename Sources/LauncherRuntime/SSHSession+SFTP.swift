import CSSH2
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Size and modification time of a remote file.
package struct RemoteFileInfo: Equatable, Sendable {
    package var size: UInt64
    package var modified: UInt64
    package var permissions: UInt32

    package init(size: UInt64, modified: UInt64, permissions: UInt32) {
        self.size = size
        self.modified = modified
        self.permissions = permissions
    }
}

extension SSHSession {
    func sftp() throws(SSHError) -> OpaquePointer {
        if let existing = sftpSession { return existing }
        guard let session = raw else { throw SSHError(.failed, "\(target): session closed") }
        let handle = try callPointer("starting SFTP") { libssh2_sftp_init(session) }
        sftpSession = handle
        return handle
    }

    /// Nil when the path does not exist.
    package func stat(_ path: String) throws(SSHError) -> RemoteFileInfo? {
        let sftp = try sftp()
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        let result = try call("stat \(path)") { grow_ssh2_sftp_stat(sftp, path, &attributes) }
        guard result == 0 else { return nil }
        return RemoteFileInfo(
            size: UInt64(attributes.filesize), modified: UInt64(attributes.mtime),
            permissions: UInt32(attributes.permissions & 0o7777))
    }

    /// Writes `source` to `path` (absolute) through a temporary name and a rename, so a reader
    /// (or a running binary) never sees half a file; sets mode and modification time.
    package func upload(from source: URL, to path: String, mode: Int32, modified: UInt64?) throws(SSHError) {
        let sftp = try sftp()
        let temporary = path + ".grow-upload"
        let flags = UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC)
        let handle = try callPointer("opening \(temporary)") { grow_ssh2_sftp_open(sftp, temporary, flags, Int(mode)) }
        var closed = false
        defer { if !closed { _ = try? call("closing \(temporary)") { libssh2_sftp_close_handle(handle) } } }
        guard let input = FileHandle(forReadingAtPath: source.path) else {
            throw SSHError(.failed, "\(source.path): cannot read it")
        }
        defer { try? input.close() }
        while true {
            let chunk = input.readData(ofLength: 256 * 1024)
            if chunk.isEmpty { break }
            var offset = 0
            while offset < chunk.count {
                let written = try callSize("writing \(path)") {
                    chunk.withUnsafeBytes { bytes in
                        libssh2_sftp_write(
                            handle, bytes.baseAddress!.assumingMemoryBound(to: CChar.self) + offset,
                            chunk.count - offset)
                    }
                }
                guard written > 0 else { throw SSHError(.failed, "\(target): writing \(path) failed (\(lastError()))") }
                offset += written
            }
        }
        _ = try call("closing \(temporary)") { libssh2_sftp_close_handle(handle) }
        closed = true
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        attributes.flags = UInt(LIBSSH2_SFTP_ATTR_PERMISSIONS)
        attributes.permissions = UInt(mode)
        if let modified {
            attributes.flags |= UInt(LIBSSH2_SFTP_ATTR_ACMODTIME)
            attributes.atime = UInt(modified)
            attributes.mtime = UInt(modified)
        }
        let set = try call("setting times of \(path)") { grow_ssh2_sftp_setstat(sftp, temporary, &attributes) }
        guard set == 0 else { throw SSHError(.failed, "\(target): cannot set the mode of \(temporary)") }
        _ = try call("replacing \(path)") { grow_ssh2_sftp_unlink(sftp, path) }
        let renamed = try call("renaming \(temporary)") { grow_ssh2_sftp_rename_plain(sftp, temporary, path) }
        guard renamed == 0 else {
            throw SSHError(
                .failed, "\(target): cannot move \(temporary) to \(path) (SFTP error \(libssh2_sftp_last_error(sftp)))")
        }
    }

    /// Writes small contents (the token, a job file) the same way.
    package func upload(_ data: Data, to path: String, mode: Int32) throws(SSHError) {
        let local = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "grow-upload-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: local.path, contents: data, attributes: [.posixPermissions: 0o600])
        else {
            throw SSHError(.failed, "cannot stage \(path) locally in \(NSTemporaryDirectory())")
        }
        defer { try? FileManager.default.removeItem(at: local) }
        try upload(from: local, to: path, mode: mode, modified: nil)
    }

    /// Creates directories (and their parents) with one remote `mkdir -p`.
    package func makeDirectories(_ paths: [String], mode: String = "755") throws(SSHError) {
        guard !paths.isEmpty else { return }
        let result = try capture("mkdir -p -m \(mode) " + paths.map(quoteForShell).joined(separator: " "))
        guard result.status == 0 else {
            throw SSHError(
                .failed, "\(target): mkdir failed: \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

func quoteForShell(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
}
