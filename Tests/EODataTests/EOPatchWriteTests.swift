import EOData
import Foundation
import GrowTestSupport
import ProjectStorage
import XCTest

/// Fails every write and delete after the first `allowed` ones, as a process killed mid-write or
/// a store that goes away would.
final class FailingStorage: ProjectStore, @unchecked Sendable {
    let base: LocalStore
    private let lock = NSLock()
    private var remaining: Int
    private(set) var operations: [String] = []

    init(_ base: LocalStore, allowed: Int) {
        self.base = base
        self.remaining = allowed
    }

    private func spend(_ what: String) throws {
        lock.lock()
        defer { lock.unlock() }
        guard remaining > 0 else { throw StorageError(.failed, what, "simulated failure") }
        remaining -= 1
        operations.append(what)
    }

    var root: String { base.root }
    func read(_ key: String) throws -> [UInt8] { try base.read(key) }
    func read(_ key: String, range: Range<UInt64>) throws -> [UInt8] { try base.read(key, range: range) }
    func write(_ key: String, bytes: [UInt8]) throws {
        try spend("write \(key)")
        try base.write(key, bytes: bytes)
    }
    func upload(_ key: String, fromFile path: String) throws {
        try spend("upload \(key)")
        try base.upload(key, fromFile: path)
    }
    func download(_ key: String, toFile path: String) throws { try base.download(key, toFile: path) }
    func exists(_ key: String) throws -> Bool { try base.exists(key) }
    func list(prefix: String) throws -> [StorageObject] { try base.list(prefix: prefix) }
    func delete(_ key: String) throws {
        try spend("delete \(key)")
        try base.delete(key)
    }
    var directAccess: DirectAccess? { base.directAccess }
}

final class EOPatchWriteTests: XCTestCase {
    private func samplePatch(seed: Float, times: Int = 2) -> EOPatch {
        var patch = EOPatch(
            bbox: BBox(minX: 0, minY: 0, maxX: 100, maxY: 100, epsg: 32633),
            timestamps: (0..<times).map { Date(timeIntervalSince1970: 1_600_000_000 + Double($0) * 86_400) })
        patch.data["BANDS"] = .float32(
            NDArray(shape: [times, 2, 2, 3], storage: (0..<(times * 12)).map { Float($0) + seed }))
        patch.mask["CLM"] = .bool(NDArray(shape: [times, 2, 2, 1], storage: (0..<(times * 4)).map { $0 % 2 == 0 }))
        patch.dataTimeless["DEM"] = .int16(NDArray(shape: [2, 2, 1], storage: [1, 2, 3, Int16(seed)]))
        patch.maskTimeless["VALID"] = .uint8(NDArray(shape: [2, 2, 1], repeating: 1))
        patch.metaInfo["seed"] = .number(Double(seed))
        return patch
    }

    /// Every point at which a write can stop, for a fresh folder and over a complete patch:
    /// the folder is never complete until the write finishes, and a retry completes it.
    func testInterruptedWriteIsNeverComplete() throws {
        for compress in [false, true] {
            for existing in [false, true] {
                let old = samplePatch(seed: 1)
                let new = samplePatch(seed: 2, times: 3)
                // A project holding the old patch (written with the other compression, so the new
                // write also has stale files to delete), or nothing.
                func startingState() throws -> LocalStore {
                    let storage = LocalStore(root: try makeScratchDirectory(self))
                    if existing { try old.write(to: storage, folder: "p", compress: !compress) }
                    return storage
                }

                // Count the operations of a whole write, then stop after each prefix of them.
                let counting = FailingStorage(try startingState(), allowed: .max)
                try new.write(to: counting, folder: "p", compress: compress)
                let total = counting.operations.count
                XCTAssertEqual(counting.operations.last, "write p/bbox.geojson")
                if existing { XCTAssertEqual(counting.operations.first, "delete p/bbox.geojson") }

                for allowed in 0..<total {
                    let local = try startingState()
                    let failing = FailingStorage(local, allowed: allowed)
                    XCTAssertThrowsError(try new.write(to: failing, folder: "p", compress: compress))
                    if existing, allowed == 0 {
                        // Stopped before removing the old marker: nothing changed, the old patch stands.
                        XCTAssertEqual(try EOPatch.read(from: local, folder: "p"), old)
                        continue
                    }
                    XCTAssertFalse(
                        try EOPatch.isComplete(in: local, folder: "p"),
                        "complete after \(allowed) of \(total) operations (compress \(compress), existing \(existing))")
                    XCTAssertThrowsError(try EOPatch.read(from: local, folder: "p"))
                    // The retry (what the scheduler does with a failed tile) completes it.
                    try new.write(to: local, folder: "p", compress: compress)
                    XCTAssertTrue(try EOPatch.isComplete(in: local, folder: "p"))
                    XCTAssertEqual(try EOPatch.read(from: local, folder: "p"), new)
                }
            }
        }
    }

    func testOverwriteFeaturesKeepsOthersAndReplacesOtherExtension() throws {
        let storage = LocalStore(root: try makeScratchDirectory(self))
        var patch = samplePatch(seed: 1)
        patch.scalarTimeless["EXTRA"] = .float64(NDArray(shape: [2], storage: [1, 2]))
        try patch.write(to: storage, folder: "p", compress: true)

        var smaller = samplePatch(seed: 5)
        smaller.dataTimeless = [:]
        try smaller.write(to: storage, folder: "p", compress: false)
        let keys = try storage.list(prefix: "p/").map(\.key)
        // BANDS.npy.gz was replaced by BANDS.npy; DEM and EXTRA (not in the new patch) stay.
        XCTAssertEqual(
            keys,
            [
                "p/bbox.geojson", "p/data/BANDS.npy", "p/data_timeless/DEM.npy.gz", "p/mask/CLM.npy",
                "p/mask_timeless/VALID.npy", "p/meta_info/seed.json", "p/scalar_timeless/EXTRA.npy.gz",
                "p/timestamps.json",
            ])
        let read = try EOPatch.read(from: storage, folder: "p")
        XCTAssertEqual(read.data, smaller.data)
        XCTAssertEqual(read.dataTimeless, patch.dataTimeless)
        XCTAssertEqual(read.scalarTimeless, patch.scalarTimeless)
        XCTAssertEqual(read.metaInfo, ["seed": .number(5)])
    }

    func testOverwritePatchLeavesExactlyThePatch() throws {
        let project = try makeScratchDirectory(self)
        let storage = LocalStore(root: project)
        try samplePatch(seed: 1).write(to: storage, folder: "p", compress: true)
        try storage.write("p/vector/FIELDS.gpkg", bytes: Array("not read by grow".utf8))
        var smaller = samplePatch(seed: 3)
        smaller.mask = [:]
        try smaller.write(to: storage, folder: "p", compress: false, overwrite: .patch)
        XCTAssertEqual(try EOPatch.read(from: storage, folder: "p"), smaller)
        XCTAssertEqual(
            try storage.list(prefix: "p/").map(\.key),
            [
                "p/bbox.geojson", "p/data/BANDS.npy", "p/data_timeless/DEM.npy", "p/mask_timeless/VALID.npy",
                "p/meta_info/seed.json", "p/timestamps.json",
            ])
        // A neighbour whose name starts the same is not part of the patch.
        try samplePatch(seed: 1).write(to: storage, folder: "p2")
        try smaller.write(to: storage, folder: "p", overwrite: .patch)
        XCTAssertTrue(try EOPatch.isComplete(in: storage, folder: "p2"))
    }

    /// A patch eo-learn would refuse is refused before anything is touched: the old one stays complete.
    func testInvalidPatchTouchesNothing() throws {
        let storage = LocalStore(root: try makeScratchDirectory(self))
        let good = samplePatch(seed: 1)
        try good.write(to: storage, folder: "p")
        let cases: [(String, (inout EOPatch) -> Void)] = [
            (
                "mask/CLM is float32; mask features must be integer or bool",
                { $0.mask["CLM"] = .float32(NDArray(shape: [2, 2, 2, 1], repeating: 0)) }
            ),
            (
                "data/BANDS has shape [2, 2, 3]; data features have 4 axes",
                { $0.data["BANDS"] = .float32(NDArray(shape: [2, 2, 3], repeating: 0)) }
            ),
            ("data/BANDS has 2 times on axis 0 but the patch has 1 timestamps", { $0.timestamps.removeLast() }),
            ("data: feature name 'B.v2' contains '.'", { $0.data["B.v2"] = $0.data["BANDS"] }),
            ("data: features 'BANDS' and 'bands' differ only in case", { $0.data["bands"] = $0.data["BANDS"] }),
            ("bbox BBox(minX: 500.0", { $0.bbox.minX = 500 }),
        ]
        for (fragment, change) in cases {
            var bad = good
            change(&bad)
            XCTAssertThrowsError(try bad.write(to: storage, folder: "p")) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
            XCTAssertTrue(try EOPatch.isComplete(in: storage, folder: "p"))
            XCTAssertEqual(try EOPatch.read(from: storage, folder: "p"), good)
        }
        XCTAssertThrowsError(try good.write(to: storage, folder: "../outside"))
        XCTAssertThrowsError(try good.write(to: storage, folder: "/"))
    }

    func testBrokenFeatureFileNamesItsKey() throws {
        let project = try makeScratchDirectory(self)
        let storage = LocalStore(root: project)
        try samplePatch(seed: 1).write(to: storage, folder: "p", compress: true)
        try storage.write("p/data/BANDS.npy.gz", bytes: [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF])
        XCTAssertThrowsError(try EOPatch.read(from: storage, folder: "p")) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(project)/p/data/BANDS.npy.gz: bad gzip data"), "\(error)")
        }
        try storage.write("p/bbox.geojson", bytes: Array("{\"type\": \"Point\"}".utf8))
        XCTAssertThrowsError(try EOPatch.read(from: storage, folder: "p", features: [])) { error in
            XCTAssertEqual(
                "\(error)", "\(project)/p/bbox.geojson: expected a GeoJSON geometry of type Polygon or MultiPolygon")
        }
    }
}
