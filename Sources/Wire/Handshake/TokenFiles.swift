#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A cluster's token files: the token file, and after `grow-head token rotate` the token it
/// replaced next to it (`<file>.previous`, mode 0600, last modified at the rotation), which a head
/// keeps accepting for its grace period.
public enum TokenFiles {
    public static let previousSuffix = ".previous"

    public static func previousPath(of path: String) -> String { path + previousSuffix }

    /// The tokens the files hold now. A missing previous file means no rotation is under way.
    public static func load(_ path: String) throws(TokenError) -> AcceptedTokens {
        let current = try ClusterToken(secret: ClusterToken.readTokenFile(path))
        let previousPath = previousPath(of: path)
        var info = stat()
        guard stat(previousPath, &info) == 0 else { return AcceptedTokens(current: current) }
        let previous = try ClusterToken(secret: ClusterToken.readTokenFile(previousPath))
        let rotatedAtMs = UInt64(max(0, info.st_mtim.tv_sec)) * 1000 + UInt64(max(0, info.st_mtim.tv_nsec)) / 1_000_000
        return AcceptedTokens(current: current, previous: previous, rotatedAtUnixMs: rotatedAtMs)
    }

    /// Moves the current token to `<file>.previous` (replacing an older one) and writes a new
    /// token to the file. Each file is written under a temporary name, flushed and renamed, so a
    /// reader sees the old file or the new one, never half of one.
    public static func rotate(_ path: String) throws(TokenError) {
        let old = try ClusterToken.readTokenFile(path)
        _ = try ClusterToken(secret: old)  // refuse to keep a token no peer could use
        try replace(previousPath(of: path), with: old.trimmedLine + "\n")
        try replace(path, with: ClusterToken.generateSecret() + "\n")
    }

    private static func replace(_ path: String, with contents: String) throws(TokenError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw .unwritableFile(temporary, String(cString: strerror(errno))) }
        let bytes = Array(contents.utf8)
        let written = write(fd, bytes, bytes.count)
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .unwritableFile(path, reason)
        }
    }
}

extension String {
    fileprivate var trimmedLine: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        return String(text)
    }
}
