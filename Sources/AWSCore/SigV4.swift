import Crypto

#if canImport(Glibc)
    import Glibc
#endif

/// AWS Signature Version 4 for any service (S3, EC2, ECR...): the canonical request, the string
/// to sign and the `Authorization` header, computed here rather than by curl so every service
/// and every kind of credentials (with a session token, refreshed between tries) signs the same
/// way. Pure: the time comes in as an argument.
package enum SigV4 {
    /// `payloadHash` for S3 requests whose body is not hashed (streamed uploads).
    package static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// The headers to add to a request: `x-amz-date`, `x-amz-security-token` (with a session
    /// token), `x-amz-content-sha256` (S3 only, which requires it), and `Authorization`. Every
    /// header of `headers` is signed, and so is the host from `url`. `url` must be in canonical
    /// form already (`AWSEncoding`): its path and query are signed as written.
    package static func headers(
        method: String, url: String, headers: [(String, String)], payloadHash: String,
        credentials: AWSCredentials, region: String, service: String, unixSeconds: Int
    ) -> [(String, String)] {
        let stamp = timestamp(unixSeconds)
        var added: [(String, String)] = [("x-amz-date", stamp)]
        if service == "s3" { added.append(("x-amz-content-sha256", payloadHash)) }
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        let parts = URLParts(url)
        let request = canonicalRequest(
            method: method, path: parts.path, query: parts.query,
            headers: [("host", parts.host)] + headers + added, payloadHash: payloadHash,
            normalizePath: service != "s3")
        let day = String(stamp.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let toSign = ["AWS4-HMAC-SHA256", stamp, scope, hex(SHA256.hash(data: Array(request.text.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        let signature = hex(HMAC<SHA256>.authenticationCode(for: Array(toSign.utf8), using: key))
        added.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(request.signedHeaders), Signature=\(signature)"
            ))
        return added
    }

    /// The canonical request and its list of signed headers.
    package static func canonicalRequest(
        method: String, path: String, query: String, headers: [(String, String)], payloadHash: String,
        normalizePath: Bool
    ) -> (text: String, signedHeaders: String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            merged[name.lowercased(), default: []].append(collapseSpaces(value))
        }
        let names = merged.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        // Services other than S3 sign each path segment encoded once more.
        let canonicalPath = path.isEmpty ? "/" : normalizePath ? AWSEncoding.encodePath(path) : path
        let text = [method, canonicalPath, canonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash]
            .joined(separator: "\n")
        return (text, signedHeaders)
    }

    /// The query's pairs (already encoded) sorted by name, then value; `name` alone is `name=`.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&").map { item -> (String, String) in
            guard let equals = item.firstIndex(of: "=") else { return (String(item), "") }
            return (String(item[..<equals]), String(item[item.index(after: equals)...]))
        }
        return pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// `20150830T123600Z`.
    package static func timestamp(_ unixSeconds: Int) -> String {
        var seconds = time_t(unixSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    /// The hex SHA-256 of a body (the payload hash of services other than S3).
    package static func payloadHash(_ bytes: some Sequence<UInt8>) -> String {
        hex(SHA256.hash(data: Array(bytes)))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Trimmed, with every run of spaces inside made one space, as the canonical form requires.
    static func collapseSpaces(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for character in value.trimmingSpaces {
            if character == " " || character == "\t" {
                pendingSpace = true
                continue
            }
            if pendingSpace { out.append(" ") }
            pendingSpace = false
            out.append(character)
        }
        return out
    }

    /// The host (with a port when the URL has one), path and raw query of a URL.
    struct URLParts {
        var host = ""
        var path = "/"
        var query = ""

        init(_ url: String) {
            var rest = Substring(url)
            if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
            let hostEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            host = rest[..<hostEnd].lowercased()
            // curl leaves a default port out of the Host header, so the signature must too.
            if url.hasPrefix("http://"), host.hasSuffix(":80") { host.removeLast(3) }
            if url.hasPrefix("https://"), host.hasSuffix(":443") { host.removeLast(4) }
            rest = rest[hostEnd...]
            if let mark = rest.firstIndex(of: "?") {
                query = String(rest[rest.index(after: mark)...])
                rest = rest[..<mark]
            }
            path = rest.isEmpty ? "/" : String(rest)
        }
    }
}
