import Foundation

/// What kind of SSH private key a file holds, read from its text (no crypto), so a key libssh2
/// 1.10 cannot use with current OpenSSH is refused with a reason before any connection.
package enum PrivateKeyKind: Equatable, Sendable {
    case ed25519
    case ecdsa
    case rsa
    case dsa
    /// PKCS#8 or another wrapper that does not say its algorithm; tried as it is.
    case unspecified
    /// OpenSSH format with a passphrase.
    case encrypted
    case notAKey

    package static func inspect(_ text: String) -> PrivateKeyKind {
        if text.contains("BEGIN RSA PRIVATE KEY") { return .rsa }
        if text.contains("BEGIN EC PRIVATE KEY") { return .ecdsa }
        if text.contains("BEGIN DSA PRIVATE KEY") { return .dsa }
        if text.contains("BEGIN ENCRYPTED PRIVATE KEY") { return .encrypted }
        if text.contains("BEGIN PRIVATE KEY") { return .unspecified }
        guard let begin = text.range(of: "-----BEGIN OPENSSH PRIVATE KEY-----"),
            let end = text.range(of: "-----END OPENSSH PRIVATE KEY-----", range: begin.upperBound..<text.endIndex)
        else { return .notAKey }
        let body = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else { return .notAKey }
        return openSSHKind(Array(data))
    }

    /// openssh-key-v1: magic, cipher, kdf, kdf options, key count, then the public key whose first
    /// string is the algorithm.
    static func openSSHKind(_ bytes: [UInt8]) -> PrivateKeyKind {
        let magic = Array("openssh-key-v1\0".utf8)
        guard bytes.starts(with: magic) else { return .notAKey }
        var offset = magic.count
        func string() -> [UInt8]? {
            guard offset + 4 <= bytes.count else { return nil }
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            offset += 4
            guard length >= 0, offset + length <= bytes.count else { return nil }
            defer { offset += length }
            return Array(bytes[offset..<offset + length])
        }
        guard let cipher = string(), string() != nil, string() != nil, offset + 4 <= bytes.count else {
            return .notAKey
        }
        offset += 4
        guard let publicKey = string() else { return .notAKey }
        if String(decoding: cipher, as: UTF8.self) != "none" { return .encrypted }
        let inner = publicKey
        guard inner.count >= 4 else { return .notAKey }
        let length = inner[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard 4 + length <= inner.count else { return .notAKey }
        let algorithm = String(decoding: inner[4..<4 + length], as: UTF8.self)
        switch algorithm {
        case "ssh-ed25519": return .ed25519
        case let name where name.hasPrefix("ecdsa-sha2-"): return .ecdsa
        case "ssh-rsa": return .rsa
        case "ssh-dss": return .dsa
        default: return .unspecified
        }
    }

    /// Why grow cannot log in with this key, or nil when it can try.
    package var problem: String? {
        switch self {
        case .ed25519, .ecdsa, .unspecified: return nil
        case .rsa:
            return
                "is an RSA key: libssh2 1.10 signs RSA with SHA-1 (ssh-rsa), which OpenSSH 8.8 and newer refuse; use an ed25519 key (ssh-keygen -t ed25519)"
        case .dsa: return "is a DSA key, which OpenSSH no longer accepts; use an ed25519 key (ssh-keygen -t ed25519)"
        case .encrypted:
            return "is protected by a passphrase, which grow cannot ask for; use a key without one for the cluster"
        case .notAKey: return "is not an SSH private key (expected an OpenSSH or PEM private key file)"
        }
    }
}
