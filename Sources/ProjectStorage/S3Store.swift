import Foundation
import GrowBase
import GrowJob
import ObjectStore

/// A project folder in S3 or an S3-compatible store (`s3://bucket/prefix`). Keys are relative to
/// the prefix. Writes are one PUT or one completed multipart upload, so a reader never sees part
/// of an object; large files stream in parts and never sit whole in memory.
package struct S3Store: ProjectStore {
    package let root: String
    /// The bucket and the prefix (without a trailing `/`; empty for the bucket's top).
    package let location: S3URI
    package let client: S3Client

    /// Opens `s3://bucket/prefix` with the pipeline's `storage` settings over the environment
    /// and the AWS files (precedence in docs/storage.md).
    package init(
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

    package init(root: String, location: S3URI, client: S3Client) {
        self.root = root
        self.location = location
        self.client = client
    }

    /// The object behind a key of the project folder.
    package func uri(_ key: String) -> S3URI {
        var key = key
        while key.hasPrefix("/") { key.removeFirst() }
        return S3URI(bucket: location.bucket, key: location.key.isEmpty ? key : location.key + "/" + key)
    }

    package func read(_ key: String) throws -> [UInt8] {
        try mapped(key) { () throws(S3Error) in try client.getObject(uri(key)) }
    }

    package func read(_ key: String, range: Range<UInt64>) throws -> [UInt8] {
        try mapped(key) { () throws(S3Error) in try client.getObject(uri(key), range: range) }
    }

    package func write(_ key: String, bytes: [UInt8]) throws {
        try mapped(key) { () throws(S3Error) in try client.putObject(uri(key), bytes: bytes) }
    }

    package func upload(_ key: String, fromFile path: String) throws {
        try mapped(key) { () throws(S3Error) in try client.uploadFile(path, to: uri(key)) }
    }

    package func download(_ key: String, toFile path: String) throws {
        try mapped(key) { () throws(S3Error) in try client.downloadFile(uri(key), to: path) }
    }

    package func exists(_ key: String) throws -> Bool {
        try mapped(key) { () throws(S3Error) in try client.headObject(uri(key)) != nil }
    }

    package func list(prefix: String) throws -> [StorageObject] {
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

    package func delete(_ key: String) throws {
        try mapped(key) { () throws(S3Error) in try client.deleteObject(uri(key)) }
    }

    /// `/vsis3/bucket/prefix`, with the options (endpoint, region, addressing, credentials) that
    /// point GDAL's S3 reader at this store; scoped to that prefix, so several stores can be open
    /// at once.
    package var directAccess: DirectAccess? {
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
        } else if config.instanceMetadata == nil {
            options["AWS_NO_SIGN_REQUEST"] = "YES"
        }  // else GDAL reads the instance profile's credentials itself
        let prefix = location.key.isEmpty ? "/vsis3/\(location.bucket)" : "/vsis3/\(location.bucket)/\(location.key)"
        return DirectAccess(prefix: prefix, options: options)
    }

    private func mapped<T>(_ key: String, _ body: () throws(S3Error) -> T) throws(StorageError) -> T {
        do {
            return try body()
        } catch {
            throw Self.storageError(error, uri(key).description)
        }
    }

    static func storageError(_ error: S3Error, _ location: String) -> StorageError {
        StorageError(error.kind, error.subject.isEmpty ? location : error.subject, error.message)
    }
}
