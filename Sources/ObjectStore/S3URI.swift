/// `s3://bucket/key-or-prefix` as users write it.
package struct S3URI: Sendable, Equatable, CustomStringConvertible {
    package var bucket: String
    /// The key or prefix after the bucket, without a leading `/` (may be empty).
    package var key: String

    package init(bucket: String, key: String = "") {
        self.bucket = bucket
        self.key = key
    }

    /// Parses `s3://bucket[/key]`; throws a one-line `.invalid` error naming what is wrong.
    package init(parsing text: String) throws(S3Error) {
        guard text.hasPrefix("s3://") else {
            throw S3Error(.invalid, text, "not an S3 address: expected s3://bucket/prefix")
        }
        let rest = text.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        var key = String(rest.dropFirst(bucket.count))
        while key.hasPrefix("/") { key.removeFirst() }
        if let problem = S3URI.problem(withBucketName: bucket) {
            throw S3Error(.invalid, text, problem)
        }
        self.bucket = bucket
        self.key = key
    }

    package var description: String { key.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(key)" }

    /// Why `name` cannot be a bucket name, or nil. S3's rules: 3-63 characters of `a-z 0-9 . -`,
    /// starting and ending with a letter or digit. (Also keeps bucket names out of the URL's
    /// host/path syntax, so they need no escaping.)
    package static func problem(withBucketName name: String) -> String? {
        if name.isEmpty { return "no bucket name: expected s3://bucket/prefix" }
        if name.count < 3 || name.count > 63 {
            return "bucket name \"\(name)\" must be 3 to 63 characters long"
        }
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
        guard allowed, let first = name.first, let last = name.last, first.isLetter || first.isNumber,
            last.isLetter || last.isNumber
        else {
            return
                "bucket name \"\(name)\" may hold only lower-case letters, digits, '.' and '-', starting and ending with a letter or digit"
        }
        return nil
    }
}
