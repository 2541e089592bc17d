import CGDAL
import Foundation
import ObjectStore

/// A project folder in S3 or an S3-compatible store (`s3://bucket/prefix`). Keys are relative to
/// the prefix. Writes are one PUT or one completed multipart upload, so a reader never sees part
/// of an object; large files stream in parts and never sit whole in memory.
public struct S3Storage: ProjectStorage {
    public let root: String
    /// The bucket and the prefix (without a trailing `/`; empty for the bucket's top).
    public let location: S3URI
    public let client: S3Client

    /// Opens `s3://bucket/prefix` with the pipeline's `storage` settings over the environment
    /// and the AWS files (precedence in docs/storage.md).
    public init(
        root: String, settings: StorageSettings = StorageSettings(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        log: (@Sendable (String) -> Void)? = nil
    ) throws {
        do {
            var location = try S3URI(parsing: root)
            while location.key.hasSuffix("/") { location.key.removeLast() }
            let config = try S3ConfigResolver.resolve(
                settings, environment: environment, readFile: { try? String(contentsOfFile: $0, encoding: .utf8) })
            self.init(root: root, location: location, client: S3Client(config: config, log: log))
        } catch {
            throw Self.storageError(error, root)
        }
    }

    public init(root: String, location: S3URI, client: S3Client) {
        self.root = root
        self.location = location
        self.client = client
    }

    /// The object behind a key of the project folder.
    public func uri(_ key: String) -> S3URI {
        var key = key
        while key.hasPrefix("/") { key.removeFirst() }
        return S3URI(bucket: location.bucket, key: location.key.isEmpty ? key : location.key + "/" + key)
    }

    public func read(_ key: String) throws -> [UInt8] {
        try mapped(key) { () throws(S3Error) in try client.getObject(uri(key)) }
    }

    public func read(_ key: String, range: Range<UInt64>) throws -> [UInt8] {
        try mapped(key) { () throws(S3Error) in try client.getObject(uri(key), range: range) }
    }

    public func write(_ key: String, bytes: [UInt8]) throws {
        try mapped(key) { () throws(S3Error) in try client.putObject(uri(key), bytes: bytes) }
    }

    public func upload(_ key: String, fromFile path: String) throws {
        try mapped(key) { () throws(S3Error) in try client.uploadFile(path, to: uri(key)) }
    }

    public func download(_ key: String, toFile path: String) throws {
        try mapped(key) { () throws(S3Error) in try client.downloadFile(uri(key), to: path) }
    }

    public func exists(_ key: String) throws -> Bool {
        try mapped(key) { () throws(S3Error) in try client.headObject(uri(key)) != nil }
    }

    public func list(prefix: String) throws -> [StorageObject] {
        let full = uri(prefix).key
        let strip = location.key.isEmpty ? 0 : location.key.count + 1
        let objects = try mapped(prefix) { () throws(S3Error) in
            try client.listObjects(bucket: location.bucket, prefix: full)
        }
        return
            objects
            .filter { !$0.key.hasSuffix("/") }  // folder markers some consoles create
            .map { StorageObject(key: String($0.key.dropFirst(strip)), size: $0.size) }
            .sorted { $0.key < $1.key }
    }

    public func delete(_ key: String) throws {
        try mapped(key) { () throws(S3Error) in try client.deleteObject(uri(key)) }
    }

    /// `/vsis3/bucket/prefix/key`, with `gdalOptions` (endpoint, region, addressing, credentials)
    /// set for that path in GDAL so it reaches the same store.
    public func gdalPath(_ key: String) -> String? {
        // GDAL reads this store through options scoped to its paths, so several stores (other
        // endpoints or credentials) can be open at once; they never go to logs.
        let prefix = location.key.isEmpty ? "/vsis3/\(location.bucket)" : "/vsis3/\(location.bucket)/\(location.key)"
        // Without GDAL nothing can open the path: whatever tries throws why GDAL is missing.
        if GDAL.unavailable == nil {
            for (name, value) in gdalOptions { VSISetPathSpecificOption(prefix, name, value) }
        }
        return "/vsis3/\(location.bucket)/\(key.isEmpty ? location.key : uri(key).key)"
    }

    /// GDAL config options that point `/vsis3/` at this store. Contains the secret: set them
    /// with CPLSetConfigOption, never log them.
    public var gdalOptions: [String: String] {
        let config = client.config
        var options = [
            "AWS_S3_ENDPOINT": config.endpoint.authority,
            "AWS_HTTPS": config.endpoint.scheme == "https" ? "YES" : "NO",
            "AWS_VIRTUAL_HOSTING": config.endpoint.pathStyle ? "FALSE" : "TRUE",
            "AWS_REGION": config.region,
        ]
        if let credentials = config.credentials {
            options["AWS_ACCESS_KEY_ID"] = credentials.accessKeyID
            options["AWS_SECRET_ACCESS_KEY"] = credentials.secretAccessKey
            if let token = credentials.sessionToken { options["AWS_SESSION_TOKEN"] = token }
        } else {
            options["AWS_NO_SIGN_REQUEST"] = "YES"
        }
        return options
    }

    private func mapped<T>(_ key: String, _ body: () throws(S3Error) -> T) throws(StorageError) -> T {
        do {
            return try body()
        } catch {
            throw Self.storageError(error, uri(key).description)
        }
    }

    static func storageError(_ error: S3Error, _ location: String) -> StorageError {
        let kind: StorageError.Kind =
            switch error.kind {
            case .notFound: .notFound
            case .denied: .denied
            case .invalid: .invalid
            case .failed: .failed
            }
        return StorageError(kind, error.subject.isEmpty ? location : error.subject, error.message)
    }
}
