/// The `storage` section of a pipeline config, beside `project_folder`: how to reach an object
/// store. Ignored for a local project folder. Each field set here wins over the environment and
/// `~/.aws` (the full order is in docs/storage.md).
public struct StorageSettings: Sendable, Equatable {
    /// `"aws_profile"`: the profile in `~/.aws/credentials` and `~/.aws/config` (else `AWS_PROFILE`, else `default`).
    public var profile: String?
    /// `"aws_region"`: e.g. `eu-central-1`, or `waw3-1` on CDSE.
    public var region: String?
    /// `"endpoint_url"`: an S3-compatible endpoint, e.g. `https://s3.waw3-1.cloudferro.com`.
    public var endpoint: String?
    /// `"path_style"`: `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`
    /// (default: true with a custom endpoint, as CDSE needs).
    public var pathStyle: Bool?

    public init(profile: String? = nil, region: String? = nil, endpoint: String? = nil, pathStyle: Bool? = nil) {
        self.profile = profile
        self.region = region
        self.endpoint = endpoint
        self.pathStyle = pathStyle
    }
}

/// Opens the storage a project folder names.
public enum Storage {
    public static func open(_ folder: String, settings: StorageSettings = StorageSettings()) throws -> any ProjectStorage {
        if folder.hasPrefix("s3://") {
            return try S3Storage(root: folder, settings: settings)
        }
        if folder.contains("://") {
            throw StorageError(.invalid, folder, "unsupported project folder: expected a local path or s3://bucket/prefix")
        }
        return LocalStorage(root: folder)
    }
}
