/// Where a project lives, as `storage.project_folder` names it: a local (or mounted) folder, or a
/// prefix in S3 or an S3-compatible store. The one place that tells the two apart.
package enum ProjectLocation: Sendable, Hashable, CustomStringConvertible {
    case local(path: String)
    /// `s3://bucket/prefix` as written; the bucket is checked when the store is opened.
    case s3(uri: String)

    /// Reads a project folder as a user writes it; nil for an empty text or an unsupported scheme
    /// (`problem(with:)` says why).
    package init?(_ text: String) {
        guard ProjectLocation.problem(with: text) == nil else { return nil }
        self = text.hasPrefix("s3://") ? .s3(uri: text) : .local(path: text)
    }

    package static func problem(with text: String) -> String? {
        if text.isEmpty { return "expected a non-empty path" }
        if text.contains("://"), !text.hasPrefix("s3://") {
            return "unsupported project folder \(JSONValue.quote(text)): expected a local path or s3://bucket/prefix"
        }
        return nil
    }

    package var description: String {
        switch self {
        case .local(let path): path
        case .s3(let uri): uri
        }
    }

    package var isLocal: Bool {
        if case .local = self { return true }
        return false
    }

    /// The path (local) or address (S3) of `key` inside the project.
    package func location(of key: String) -> String {
        let root = description
        if key.isEmpty { return root }
        return root.hasSuffix("/") ? root + key : root + "/" + key
    }
}
