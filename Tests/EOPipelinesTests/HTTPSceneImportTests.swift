import EOData
import EOPipelines
import Foundation
import GrowJob
import GrowTestSupport
import ProjectStorage
import XCTest

/// A scene read over HTTP with range requests (GDAL's /vsicurl/) imports exactly as the same
/// scene read from disk.
final class HTTPSceneImportTests: XCTestCase {
    /// A static file server that answers `Range` requests (Python's own does not) and logs them.
    private static let rangeServer = """
        import http.server, os, re, sys
        folder, log = sys.argv[1], sys.argv[2]
        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=folder, **kwargs)
            def do_GET(self):
                wanted = self.headers.get("Range")
                path = self.translate_path(self.path)
                if not wanted or not os.path.isfile(path):
                    return super().do_GET()
                size = os.path.getsize(path)
                first, last = re.match(r"bytes=(\\d+)-(\\d*)", wanted).groups()
                start, end = int(first), min(int(last) if last else size - 1, size - 1)
                with open(path, "rb") as f:
                    f.seek(start)
                    body = f.read(end - start + 1)
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                self.wfile.write(body)
                with open(log, "a") as out:
                    out.write(wanted + "\\n")
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """

    func testSceneOverHTTPImportsLikeTheSameSceneOnDisk() async throws {
        let scene = try sampleScene()
        let project = try makeScratchDirectory(self)
        try writeFootprint(of: scene, to: project + "/input-data/aoi.geojson")
        let log = project + "/ranges.log"
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = ["-c", Self.rangeServer, (scene as NSString).deletingLastPathComponent, log]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        addTeardownBlock {
            // SIGKILL: a child started by the test runner inherits its blocked SIGTERM.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        let portLine = String(decoding: output.fileHandleForReading.availableDataOrLine(), as: UTF8.self)
        let port = try XCTUnwrap(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)), portLine)
        let url = "http://127.0.0.1:\(port)/\((scene as NSString).lastPathComponent)"

        func importSpec(_ path: String, into folder: String) throws -> JobSpec {
            try eoSpec(
                """
                {"storage": {"project_folder": "\(project)", "structure": {"\(folder)": "\(folder)"}},
                 "area": {"geometry_filename": "aoi.geojson", "patch": {"size_x": 3000, "size_y": 3000}},
                 "test_subset": [0, 6, 12], "pipeline": "import", "scenes": [{"path": "\(path)", "timestamp": "2000-01-01"}],
                 "resolution": 30, "bands": [3, 4], "output_folder_key": "\(folder)",
                 "output_feature": ["data", "BANDS"]}
                """)
        }
        let overHTTP = try importSpec(url, into: "remote")
        await runAllTiles(overHTTP)
        await runAllTiles(try importSpec(scene, into: "local"))
        let storage = LocalStore(root: project)
        for index in overHTTP.selectedTiles {
            let name = overHTTP.tiles.name(of: index)
            let remote = try EOPatch.read(from: storage, folder: "remote/\(name)")
            let local = try EOPatch.read(from: storage, folder: "local/\(name)")
            let fromHTTP = try XCTUnwrap(remote[.data, "BANDS"]?.float32())
            let fromDisk = try XCTUnwrap(local[.data, "BANDS"]?.float32())
            XCTAssertEqual(fromHTTP.shape, [1, 100, 100, 2])
            // Bit for bit, NaN (outside the scene) included.
            XCTAssertTrue(fromHTTP.storage.map(\.bitPattern) == fromDisk.storage.map(\.bitPattern), "\(name) differs")
            XCTAssertTrue(fromDisk.storage.contains { !$0.isNaN }, "\(name) has data")
        }
        let ranges = try String(contentsOfFile: log, encoding: .utf8)
        XCTAssertTrue(ranges.hasPrefix("bytes="), "GDAL read the scene with range requests: \(ranges.prefix(200))")
    }
}

extension FileHandle {
    /// The first line the process wrote (the server's port).
    fileprivate func availableDataOrLine() -> Data {
        var line = Data()
        while true {
            let byte = readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { return line }
            line.append(byte)
        }
    }
}
