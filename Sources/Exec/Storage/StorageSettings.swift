import ObjectStore

/// The `storage` section of a pipeline config, beside `project_folder`: how to reach an object
/// store (`aws_profile`, `aws_region`, `endpoint_url`, `path_style`; ignored for a local folder).
/// These are exactly the S3 client's explicit settings, which win over the environment and the
/// AWS files.
public typealias StorageSettings = S3Overrides

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
