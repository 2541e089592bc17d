/// Every read and write of a project folder goes through this: pipelines, EOPatches, exported
/// maps and records never touch the file system or the network directly, so the same code runs
/// on a local folder and on an S3 prefix.
///
/// Keys are relative to the project folder and use `/` (`data/eopatch-id-0-col-0-row-0/bbox.geojson`).
/// A write is all or nothing: a reader sees the old object, no object, or the whole new one,
/// never a prefix of it.
package protocol ProjectStore: Sendable {
    /// The project folder as the user wrote it (`/data/project`, `s3://bucket/prefix`).
    var root: String { get }

    /// The whole object. Throws `StorageError` with kind `.notFound` when it is missing.
    func read(_ key: String) throws -> [UInt8]
    /// The bytes `range` of the object (the range is clamped to its end).
    func read(_ key: String, range: Range<UInt64>) throws -> [UInt8]
    /// Writes `bytes` as the object `key`, replacing any old one, all or nothing.
    func write(_ key: String, bytes: [UInt8]) throws
    /// Copies a local file to `key` without holding it whole in memory, all or nothing.
    func upload(_ key: String, fromFile path: String) throws
    /// Copies `key` to a local file without holding it whole in memory; the file appears only
    /// when complete.
    func download(_ key: String, toFile path: String) throws
    /// Whether the object exists (`false` for a missing one; other failures throw).
    func exists(_ key: String) throws -> Bool
    /// Every object whose key starts with `prefix`, at any depth, sorted by key.
    func list(prefix: String) throws -> [StorageObject]
    /// Removes the object; removing a missing object is not an error.
    func delete(_ key: String) throws
    /// How a raster library (GDAL) reads this store's objects in place, or nil when it cannot
    /// (callers then download first).
    var directAccess: DirectAccess? { get }
}

/// One object in a listing.
package struct StorageObject: Sendable, Equatable {
    package var key: String
    package var size: UInt64

    package init(key: String, size: UInt64) {
        self.key = key
        self.size = size
    }
}
