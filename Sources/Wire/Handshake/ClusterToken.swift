import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The shared secret of a cluster. It keys the handshake's HMACs and is never sent, printed or
/// logged: `description` is redacted on purpose.
public struct ClusterToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public static let minimumLength = 16
    public static let environmentVariable = "GROW_TOKEN"

    private let secretBytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: secretBytes) }

    public var description: String { "ClusterToken(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: []) }

    /// Compares in constant time for tokens of one length (a head compares a peer's token with
    /// the ones it accepts).
    public static func == (lhs: ClusterToken, rhs: ClusterToken) -> Bool {
        guard lhs.secretBytes.count == rhs.secretBytes.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs.secretBytes, rhs.secretBytes) { difference |= left ^ right }
        return difference == 0
    }

    public init(secret: String) throws(TokenError) {
        let trimmed = secret.trimmingWhitespace()
        guard trimmed.utf8.count >= Self.minimumLength else { throw .tooShort(Self.minimumLength) }
        secretBytes = Array(trimmed.utf8)
    }

    /// A new random token: 32 bytes as 64 hex digits.
    public static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String(byte, radix: 16).leftPadded(to: 2)
        }.joined()
    }

    /// Loads the token the usual way: `GROW_TOKEN` wins, else the token file. A token file that
    /// others can read is refused (the token is the whole cluster's key).
    public static func load(environment: [String: String], file: String?) throws(TokenError) -> ClusterToken {
        if let secret = environment[environmentVariable], !secret.isEmpty {
            return try ClusterToken(secret: secret)
        }
        guard let file else { throw .missing }
        return try ClusterToken(secret: readTokenFile(file))
    }

    static func readTokenFile(_ path: String) throws(TokenError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .unreadableFile(path, String(cString: strerror(errno))) }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw .fileTooOpen(path, mode: mode) }
        guard let handle = fopen(path, "r") else { throw .unreadableFile(path, String(cString: strerror(errno))) }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, handle)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > 64 * 1024 { throw .unreadableFile(path, "larger than 64 KiB: not a token file") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .unreadableFile(path, "not UTF-8 text")
        }
        return text
    }

    /// Writes a new token file with mode 0600 (created exclusively: an existing file is kept).
    public static func createTokenFile(at path: String) throws(TokenError) -> String {
        let secret = generateSecret()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw .unreadableFile(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        let line = Array((secret + "\n").utf8)
        guard write(fd, line, line.count) == line.count else {
            throw .unreadableFile(path, String(cString: strerror(errno)))
        }
        fsync(fd)
        return secret
    }
}

public enum TokenError: Error, Equatable, CustomStringConvertible {
    case missing
    case tooShort(Int)
    case unreadableFile(String, String)
    case fileTooOpen(String, mode: mode_t)
    case unwritableFile(String, String)

    public var description: String {
        switch self {
        case .missing:
            return "no cluster token: set GROW_TOKEN or pass --token-file (the head writes one to its state directory)"
        case .tooShort(let minimum):
            return "cluster token is shorter than \(minimum) characters"
        case .unreadableFile(let path, let why):
            return "cannot read token file \(path): \(why)"
        case .unwritableFile(let path, let why):
            return "cannot write token file \(path): \(why)"
        case .fileTooOpen(let path, let mode):
            return "token file \(path) is readable by others (mode \(String(mode, radix: 8))); run: chmod 600 \(path)"
        }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
