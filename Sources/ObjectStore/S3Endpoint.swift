import AWSCore

/// Where an S3 API lives (`https://s3.waw3-1.cloudferro.com`, `http://127.0.0.1:9000`), and how
/// buckets are addressed on it.
package struct S3Endpoint: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`.
    package var scheme: String
    /// Host with an optional `:port`, as in the URL.
    package var authority: String
    /// `https://endpoint/bucket/key` (true) or `https://bucket.endpoint/key` (false).
    package var pathStyle: Bool

    /// Parses `scheme://host[:port][/]`; throws `.invalid` naming the setting on anything else.
    package init(parsing text: String, pathStyle: Bool, setting: String = "endpoint") throws(S3Error) {
        var rest = Substring(text)
        let scheme: String
        if rest.hasPrefix("https://") {
            scheme = "https"
        } else if rest.hasPrefix("http://") {
            scheme = "http"
        } else {
            throw S3Error(
                .invalid, text, "\(setting) must start with https:// or http:// (e.g. https://s3.waw3-1.cloudferro.com)"
            )
        }
        rest = rest.dropFirst(scheme.count + 3)
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("?"), !rest.contains("@"), !rest.contains(" ") else {
            throw S3Error(
                .invalid, text,
                "\(setting) must be scheme://host[:port] without a path (e.g. https://s3.waw3-1.cloudferro.com)")
        }
        self.scheme = scheme
        self.authority = String(rest)
        self.pathStyle = pathStyle
    }

    /// AWS's own endpoint for a region.
    package static func aws(region: String) -> S3Endpoint {
        // The region was validated by the resolver (letters, digits, '-'), so this always parses.
        (try? S3Endpoint(parsing: "https://s3.\(region).amazonaws.com", pathStyle: false))
            ?? S3Endpoint(scheme: "https", authority: "s3.amazonaws.com", pathStyle: false)
    }

    private init(scheme: String, authority: String, pathStyle: Bool) {
        self.scheme = scheme
        self.authority = authority
        self.pathStyle = pathStyle
    }

    package var description: String { "\(scheme)://\(authority)" }

    /// The request URL for `key` in `bucket` (nil bucket: the service itself) with the given
    /// query, all in SigV4 canonical form (see `AWSEncoding`).
    package func url(bucket: String?, key: String = "", query: [(String, String)] = []) -> String {
        var url: String
        let encodedKey = AWSEncoding.encodePath(key)
        if let bucket {
            // A dotted bucket name cannot be a TLS host label, so it goes in the path.
            if pathStyle || (scheme == "https" && bucket.contains(".")) {
                url = "\(scheme)://\(authority)/\(bucket)"
                if !key.isEmpty { url += "/" + encodedKey }
            } else {
                url = "\(scheme)://\(bucket).\(authority)/\(encodedKey)"
            }
        } else {
            url = "\(scheme)://\(authority)/"
        }
        if !query.isEmpty { url += "?" + AWSEncoding.query(query) }
        return url
    }
}
