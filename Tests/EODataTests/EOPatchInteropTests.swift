import Foundation
import GrowTestSupport
import ProjectStorage
import XCTest

@testable import EOData

/// numpy writes a patch exactly as eo-learn 1.5 lays it out (json, gzip and np.save only: eo-learn
/// itself is not installed); Swift reads it, adds a feature, writes it; numpy checks the result.
final class EOPatchInteropTests: XCTestCase {
    private let times = ["2020-06-01T10:15:31", "2020-06-11T10:15:29.250000", "2020-06-21T10:15:33"]
    private let bbox = BBox(minX: 500_000, minY: 4_990_000.5, maxX: 500_040, maxY: 4_990_050.5, epsg: 32633)

    /// The patch in eo-learn 1.5's layout: BANDS/CLM/VALID/LULC compressed (as 1.5 writes
    /// features), REFL/DEM/CC plain (as earlier versions wrote them without compress_level).
    private let writePatch = """
        import sys, os, json, gzip
        import numpy as np
        patch = sys.argv[1]
        T, H, W = 3, 4, 5
        t, y, x, c = np.meshgrid(np.arange(T), np.arange(H), np.arange(W), np.arange(2), indexing='ij')
        bands = (t * 1000 + y * 100 + x * 10 + c + 1).astype(np.uint16)
        refl = (bands[..., :1].astype(np.float32) / np.float32(7)).astype(np.float32)
        clm = ((t + y + x) % 3 == 0)[..., :1]
        dem = (np.arange(H * W, dtype=np.float32).reshape(H, W, 1) * np.float32(0.5) - np.float32(3))
        valid = (np.arange(H * W).reshape(H, W, 1) % 2).astype(np.uint8)
        lulc = np.array([3, 1, 4, 1, 5], dtype=np.int64)
        cc = np.array([[0.1], [0.5], [0.25]], dtype=np.float64)
        def save(name, array, compress):
            os.makedirs(os.path.dirname(f'{patch}/{name}'), exist_ok=True)
            if compress:
                with gzip.GzipFile(f'{patch}/{name}.npy.gz', mode='wb', compresslevel=1) as f:
                    np.save(f, array)
            else:
                np.save(f'{patch}/{name}.npy', array)
        save('data/BANDS', bands, True)
        save('data/REFL', refl, False)
        save('mask/CLM', clm, True)
        save('data_timeless/DEM', dem, False)
        save('mask_timeless/VALID', valid, True)
        save('label_timeless/LULC', lulc, True)
        save('scalar/CC', cc, False)
        os.makedirs(f'{patch}/meta_info', exist_ok=True)
        with gzip.GzipFile(f'{patch}/meta_info/size_x.json.gz', mode='wb', compresslevel=1) as f:
            f.write(json.dumps(W, indent=2).encode())
        with open(f'{patch}/meta_info/source.json', 'w') as f:
            f.write(json.dumps({'collection': 'sentinel-2-l2a', 'bands': ['B04', 'B08']}, indent=2))
        with open(f'{patch}/timestamps.json', 'w') as f:
            f.write(json.dumps(sys.argv[2].split(','), indent=2))
        # What sentinelhub's BBox.geojson gives (shapely's mapping: tuples), dumped as eo-learn does.
        x0, y0, x1, y1 = 500000.0, 4990000.5, 500040.0, 4990050.5
        geojson = {'crs': {'type': 'name', 'properties': {'name': 'urn:ogc:def:crs:EPSG::32633'}},
                   'type': 'Polygon', 'coordinates': (((x0, y0), (x0, y1), (x1, y1), (x1, y0), (x0, y0)),)}
        with open(f'{patch}/bbox.geojson', 'w') as f:
            f.write(json.dumps(geojson, indent=2))
        """

    /// Loads a patch folder the way eo-learn 1.5 does (listing, extension split, np.load of
    /// .npy or gzip'd .npy, json for meta info and timestamps) and checks it against the input.
    private let checkPatch = """
        import sys, os, json, gzip
        import numpy as np
        src, out = sys.argv[1], sys.argv[2]
        def load_folder(patch):
            features = {}
            for ftype in sorted(os.listdir(patch)):
                if not os.path.isdir(f'{patch}/{ftype}'):
                    continue
                for name in os.listdir(f'{patch}/{ftype}'):
                    base, ext = name.split('.', 1)
                    path = f'{patch}/{ftype}/{name}'
                    opener = gzip.open if ext.endswith('.gz') else open
                    with opener(path, 'rb') as f:
                        value = json.load(f) if ftype == 'meta_info' else np.load(f, allow_pickle=False)
                    assert (ftype, base) not in features, ('two files for', ftype, base)
                    features[(ftype, base)] = value
            return features
        a, b = load_folder(src), load_folder(out)
        for key, value in a.items():
            assert key in b, ('missing', key)
            if isinstance(value, np.ndarray):
                assert b[key].dtype == value.dtype, (key, b[key].dtype, value.dtype)
                assert b[key].shape == value.shape, (key, b[key].shape)
                assert np.array_equal(b[key], value), key
            else:
                assert b[key] == value, (key, b[key], value)
        bands = a[('data', 'BANDS')].astype(np.float32)
        ndvi = (bands[..., 1:2] - bands[..., 0:1]) / (bands[..., 1:2] + bands[..., 0:1])
        got = b[('data', 'NDVI')]
        assert got.dtype == np.float32 and got.shape == (3, 4, 5, 1), (got.dtype, got.shape)
        assert np.array_equal(got, ndvi), np.abs(got - ndvi).max()
        assert set(b) == set(a) | {('data', 'NDVI')}, sorted(set(b) - set(a))
        for name in ('bbox.geojson', 'timestamps.json'):
            with open(f'{src}/{name}') as f1, open(f'{out}/{name}') as f2:
                left, right = f1.read(), f2.read()
                assert left == right, (name, left, right)
        with open(f'{out}/bbox.geojson') as f:
            g = json.load(f)
        assert g['crs']['properties']['name'] == 'urn:ogc:def:crs:EPSG::32633'
        assert g['coordinates'][0][2] == [500040.0, 4990050.5]
        print('checked', len(b))
        """

    private func expectedBands() -> [UInt16] {
        var values: [UInt16] = []
        for t in 0..<3 {
            for y in 0..<4 {
                for x in 0..<5 {
                    for c in 0..<2 { values.append(UInt16(t * 1000 + y * 100 + x * 10 + c + 1)) }
                }
            }
        }
        return values
    }

    func testEOLearnLayoutRoundTripThroughSwift() throws {
        let project = try makeScratchDirectory(self)
        let storage = LocalStore(root: project)
        _ = try runNumpy(writePatch, ["\(project)/data/eopatch-0", times.joined(separator: ",")])

        XCTAssertTrue(try EOPatch.isComplete(in: storage, folder: "data/eopatch-0"))
        var patch = try EOPatch.read(from: storage, folder: "data/eopatch-0")

        XCTAssertEqual(patch.bbox, bbox)
        XCTAssertEqual(try patch.timestamps.map { try EOPatchTimestamps.isoString($0) }, times)
        guard let bands = patch.data["BANDS"]?.array(of: UInt16.self) else { return XCTFail("BANDS is not uint16") }
        XCTAssertEqual(bands.shape, [3, 4, 5, 2])
        XCTAssertEqual(bands.storage, expectedBands())
        XCTAssertEqual(bands[2, 3, 4, 1], 2342)
        guard let refl = patch.data["REFL"]?.array(of: Float.self) else { return XCTFail("REFL is not float32") }
        XCTAssertEqual(refl.shape, [3, 4, 5, 1])
        XCTAssertEqual(refl[1, 2, 3, 0], Float(1231) / Float(7))
        guard let clm = patch.mask["CLM"]?.array(of: Bool.self) else { return XCTFail("CLM is not bool") }
        XCTAssertEqual(clm.shape, [3, 4, 5, 1])
        XCTAssertEqual(clm[0, 0, 0, 0], true)
        XCTAssertEqual(clm[0, 0, 1, 0], false)
        XCTAssertEqual(clm[1, 1, 1, 0], true)
        guard let dem = patch.dataTimeless["DEM"]?.array(of: Float.self) else { return XCTFail("DEM is not float32") }
        XCTAssertEqual(dem.shape, [4, 5, 1])
        XCTAssertEqual(dem[3, 4, 0], 19 * 0.5 - 3)
        XCTAssertEqual(
            patch.maskTimeless["VALID"], .uint8(NDArray(shape: [4, 5, 1], storage: (0..<20).map { UInt8($0 % 2) })))
        XCTAssertEqual(patch.labelTimeless["LULC"], .int64(NDArray(shape: [5], storage: [3, 1, 4, 1, 5])))
        XCTAssertEqual(patch.scalar["CC"], .float64(NDArray(shape: [3, 1], storage: [0.1, 0.5, 0.25])))
        XCTAssertEqual(patch.metaInfo["size_x"], .number(5))
        XCTAssertEqual(
            patch.metaInfo["source"],
            .object(["collection": .string("sentinel-2-l2a"), "bands": .array([.string("B04"), .string("B08")])]))

        // Something simple in Swift: NDVI from the two bands, float32.
        let float = bands.storage.map(Float.init)
        var ndvi = [Float]()
        for pixel in 0..<(float.count / 2) {
            let red = float[2 * pixel]
            let nir = float[2 * pixel + 1]
            ndvi.append((nir - red) / (nir + red))
        }
        patch.data["NDVI"] = .float32(NDArray(shape: [3, 4, 5, 1], storage: ndvi))

        try patch.write(to: storage, folder: "data/eopatch-0-plain", compress: false)
        try patch.write(to: storage, folder: "data/eopatch-0-gz", compress: true)
        XCTAssertTrue(try EOPatch.isComplete(in: storage, folder: "data/eopatch-0-plain"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(project)/data/eopatch-0-plain/data/BANDS.npy"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(project)/data/eopatch-0-gz/data/BANDS.npy.gz"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(project)/data/eopatch-0-gz/meta_info/source.json.gz"))
        for out in ["data/eopatch-0-plain", "data/eopatch-0-gz"] {
            let result = try runNumpy(checkPatch, ["\(project)/data/eopatch-0", "\(project)/\(out)"])
            XCTAssertEqual(result.trimmingCharacters(in: .whitespacesAndNewlines), "checked 10", out)
            XCTAssertEqual(try EOPatch.read(from: storage, folder: out), patch, out)
        }
    }

    func testPartialReadReadsOnlyWhatIsAsked() throws {
        let project = try makeScratchDirectory(self)
        let storage = CountingStorage(LocalStore(root: project))
        _ = try runNumpy(writePatch, ["\(project)/data/eopatch-0", times.joined(separator: ",")])

        let patch = try EOPatch.read(
            from: storage, folder: "data/eopatch-0/",
            features: [(.data, "BANDS"), (.maskTimeless, "VALID"), (.metaInfo, "size_x")])
        XCTAssertEqual(
            patch.features.map { "\($0.0.rawValue)/\($0.1)" },
            ["data/BANDS", "mask_timeless/VALID", "meta_info/size_x"])
        XCTAssertEqual(patch.data["BANDS"]?.array(of: UInt16.self)?.storage, expectedBands())
        XCTAssertEqual(patch.timestamps.count, 3)
        XCTAssertEqual(
            storage.reads.sorted(),
            [
                "bbox.geojson", "data/BANDS.npy.gz", "mask_timeless/VALID.npy.gz", "meta_info/size_x.json.gz",
                "timestamps.json",
            ]
            .map { "data/eopatch-0/" + $0 })

        XCTAssertThrowsError(try EOPatch.read(from: storage, folder: "data/eopatch-0", features: [(.data, "NDVI")])) {
            error in
            XCTAssertEqual(
                "\(error)", "\(project)/data/eopatch-0: no feature data/NDVI in this patch (data has: BANDS, REFL)")
        }
        XCTAssertThrowsError(try EOPatch.read(from: storage, folder: "data/eopatch-9")) { error in
            XCTAssertEqual(
                "\(error)", "\(project)/data/eopatch-9: no EOPatch here (no bbox.geojson and no feature files)")
        }
    }

    /// eo-learn 1.0-1.4 wrote `timestamp.json`, one `meta_info.json`, and with compress_level
    /// also gzipped bbox and timestamps.
    func testReadsEOLearnBefore15() throws {
        let project = try makeScratchDirectory(self)
        let storage = LocalStore(root: project)
        _ = try runNumpy(
            """
            import sys, json, gzip, os
            import numpy as np
            p = sys.argv[1]
            os.makedirs(f'{p}/data')
            with gzip.open(f'{p}/data/BANDS.npy.gz', 'wb') as f:
                np.save(f, np.ones((2, 2, 2, 1), dtype=np.float32))
            with gzip.open(f'{p}/timestamp.json.gz', 'wb') as f:
                f.write(json.dumps(['2019-01-01T00:00:00', '2019-01-02T00:00:00'], indent=2).encode())
            with gzip.open(f'{p}/meta_info.json.gz', 'wb') as f:
                f.write(json.dumps({'service_type': 'processing', 'size_x': 2}, indent=2).encode())
            geojson = {'crs': {'type': 'name', 'properties': {'name': 'urn:ogc:def:crs:EPSG::4326'}},
                       'type': 'Polygon', 'coordinates': [[[14.5, 46.0], [14.5, 46.1], [14.6, 46.1], [14.6, 46.0], [14.5, 46.0]]]}
            with gzip.open(f'{p}/bbox.geojson.gz', 'wb') as f:
                f.write(json.dumps(geojson, indent=2).encode())
            """, ["\(project)/old"])
        XCTAssertTrue(try EOPatch.isComplete(in: storage, folder: "old"))
        let patch = try EOPatch.read(from: storage, folder: "old")
        XCTAssertEqual(patch.bbox, BBox(minX: 14.5, minY: 46.0, maxX: 14.6, maxY: 46.1, epsg: 4326))
        XCTAssertEqual(
            patch.timestamps, [Date(timeIntervalSince1970: 1_546_300_800), Date(timeIntervalSince1970: 1_546_387_200)])
        XCTAssertEqual(patch.metaInfo, ["service_type": .string("processing"), "size_x": .number(2)])
        XCTAssertEqual(patch.data["BANDS"], .float32(NDArray(shape: [2, 2, 2, 1], repeating: 1)))

        // Rewriting in place moves it to 1.5's layout: timestamps.json, meta_info/NAME.json, bbox.geojson.
        try patch.write(to: storage, folder: "old")
        let files = try storage.list(prefix: "old/").map(\.key)
        XCTAssertEqual(
            files,
            [
                "old/bbox.geojson", "old/data/BANDS.npy", "old/meta_info/service_type.json",
                "old/meta_info/size_x.json", "old/timestamps.json",
            ])
        XCTAssertEqual(try EOPatch.read(from: storage, folder: "old"), patch)
    }

    func testBBoxGeoJSONIsWhatSentinelhubWrites() throws {
        let boxes = [
            bbox, BBox(minX: -180, minY: -90, maxX: 180, maxY: 90, epsg: 4326),
            BBox(minX: 1e-5, minY: 0.1, maxX: 12_345_678_901_234_568, maxY: 0.30000000000000004, epsg: 3857),
        ]
        let dir = try makeScratchDirectory(self)
        for (index, box) in boxes.enumerated() {
            try Data(box.geoJSON.utf8).write(to: URL(fileURLWithPath: "\(dir)/\(index).geojson"))
        }
        _ = try runNumpy(
            """
            import sys, json
            boxes = [(500000, 4990000.5, 500040, 4990050.5, 32633), (-180, -90, 180, 90, 4326),
                     (1e-5, 0.1, 12345678901234568, 0.30000000000000004, 3857)]
            for i, (x0, y0, x1, y1, epsg) in enumerate(boxes):
                x0, y0, x1, y1 = map(float, (x0, y0, x1, y1))
                g = {'crs': {'type': 'name', 'properties': {'name': f'urn:ogc:def:crs:EPSG::{epsg}'}},
                     'type': 'Polygon', 'coordinates': (((x0, y0), (x0, y1), (x1, y1), (x1, y0), (x0, y0)),)}
                with open(f'{sys.argv[1]}/{i}.geojson') as f:
                    got = f.read()
                assert got == json.dumps(g, indent=2), (got, json.dumps(g, indent=2))
            """, [dir])
        for box in boxes {
            XCTAssertEqual(try BBox.parse(geoJSON: box.geoJSON, location: "b"), box)
        }
        XCTAssertEqual(BBox.epsgCode("EPSG:32633"), 32633)
        XCTAssertEqual(BBox.epsgCode("urn:ogc:def:crs:OGC:1.3:CRS84"), 4326)
        XCTAssertNil(BBox.epsgCode("urn:ogc:def:crs:EPSG::abc"))
    }

    func testTimestampsMatchPythonIsoformat() throws {
        let dir = try makeScratchDirectory(self)
        let dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_591_006_531.25),
            Date(timeIntervalSince1970: -86_400 * 365.25 * 100 + 0.000001), Date(timeIntervalSince1970: 951_782_400),
        ]
        let text = try EOPatchTimestamps.encode(dates, location: "t")
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(dir)/timestamps.json"))
        _ = try runNumpy(
            """
            import sys, json, datetime
            epoch = datetime.datetime(1970, 1, 1)
            seconds = [float(s) for s in sys.argv[2].split(',')]
            expected = [(epoch + datetime.timedelta(microseconds=round(s * 1e6))).isoformat() for s in seconds]
            with open(sys.argv[1] + '/timestamps.json') as f:
                got = f.read()
            assert got == json.dumps(expected, indent=2), (got, expected)
            """, [dir, dates.map { String($0.timeIntervalSince1970) }.joined(separator: ",")])
        XCTAssertEqual(try EOPatchTimestamps.decode(text, location: "t"), dates.map { roundToMicroseconds($0) })
        XCTAssertEqual(
            EOPatchTimestamps.parse("2020-06-01T12:15:31+02:00"), EOPatchTimestamps.parse("2020-06-01T10:15:31"))
        XCTAssertEqual(EOPatchTimestamps.parse("2020-06-01T10:15:31Z"), EOPatchTimestamps.parse("2020-06-01 10:15:31"))
        XCTAssertEqual(EOPatchTimestamps.parse("2020-06-01"), EOPatchTimestamps.parse("2020-06-01T00:00:00"))
        XCTAssertNil(EOPatchTimestamps.parse("2020-02-30T00:00:00"))
        XCTAssertNil(EOPatchTimestamps.parse("2020-06-01T10:15:31junk"))
        XCTAssertThrowsError(try EOPatchTimestamps.decode("[\"yesterday\"]", location: "p/timestamps.json")) { error in
            XCTAssertEqual(
                "\(error)",
                "p/timestamps.json: entry 0 is not an ISO 8601 time like \"2020-06-01T10:15:31\": \"yesterday\"")
        }
    }

    private func roundToMicroseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1e6).rounded() / 1e6)
    }
}

/// Records which keys were read.
final class CountingStorage: ProjectStore, @unchecked Sendable {
    let base: any ProjectStore
    private let log = NSLock()
    private var readKeys: [String] = []

    init(_ base: any ProjectStore) {
        self.base = base
    }

    var reads: [String] {
        log.lock()
        defer { log.unlock() }
        return readKeys
    }

    var root: String { base.root }
    func read(_ key: String) throws -> [UInt8] {
        log.lock()
        readKeys.append(key)
        log.unlock()
        return try base.read(key)
    }
    func read(_ key: String, range: Range<UInt64>) throws -> [UInt8] { try base.read(key, range: range) }
    func write(_ key: String, bytes: [UInt8]) throws { try base.write(key, bytes: bytes) }
    func upload(_ key: String, fromFile path: String) throws { try base.upload(key, fromFile: path) }
    func download(_ key: String, toFile path: String) throws { try base.download(key, toFile: path) }
    func exists(_ key: String) throws -> Bool { try base.exists(key) }
    func list(prefix: String) throws -> [StorageObject] { try base.list(prefix: prefix) }
    func delete(_ key: String) throws { try base.delete(key) }
    var directAccess: DirectAccess? { base.directAccess }
}
