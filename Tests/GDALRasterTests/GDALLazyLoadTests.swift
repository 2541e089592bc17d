import Foundation
import GrowTestSupport
import XCTest

@testable import EOData
@testable import GDALRaster
@testable import GrowJob

/// libgdal is dlopen()ed by the first raster or vector operation, not linked: a head or worker
/// that never touches a raster must not map it (with it come ~110 libraries and ~20 MB).
final class GDALLazyLoadTests: XCTestCase {
    func testIdleHeadAndWorkerDoNotMapGDAL() throws {
        try PackagePaths.requireBinaries(worker: true)
        let head = PackagePaths.headBinary
        let worker = PackagePaths.workerBinary
        let folder = try makeScratchDirectory(self)
        let token = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let headLog = folder + "/head.log"
        let headProcess = try start(
            head,
            [
                "start", "--state-dir", folder + "/state", "--token-file", folder + "/token", "--port", "0", "--bind",
                "127.0.0.1",
            ], token: token, log: headLog)
        let listening = try waitForLine(in: headLog, containing: "head listening")
        let port = try XCTUnwrap(
            listening.firstMatch(of: /address=127\.0\.0\.1:(\d+)/).map { String($0.1) }, "no port in: \(listening)")

        let workerLog = folder + "/worker.log"
        let workerProcess = try start(
            worker,
            [
                "--address", "127.0.0.1:\(port)", "--slots", "1", "--token-file", folder + "/token", "--work-dir",
                folder + "/work", "--worker-id", "lazy-gdal",
            ], token: token, log: workerLog)
        _ = try waitForLine(in: workerLog, containing: "connected to the head")

        for process in [headProcess, workerProcess] {
            let libraries = try mappedLibraries(process.processIdentifier)
            XCTAssertTrue(process.isRunning, "\(process.executableURL?.lastPathComponent ?? "") exited")
            // The maps were read from a live, dynamically linked process.
            XCTAssertTrue(libraries.contains { $0.hasPrefix("libc.so") }, "\(libraries)")
            XCTAssertEqual(
                libraries.filter { $0.hasPrefix("libgdal") }, [],
                "an idle \(process.executableURL?.lastPathComponent ?? "") maps GDAL")
        }
    }

    func testARasterOperationMapsGDAL() throws {
        let folder = try makeScratchDirectory(self)
        let grid = try XCTUnwrap(
            TileRasterGrid(
                epsg: 32633, bounds: BoundingBox(minX: 500_000, minY: 0, maxX: 500_040, maxY: 30), resolution: 10))
        let array = NDArray<Float32>(shape: [3, 4, 1], storage: (0..<12).map(Float32.init))
        try RasterWriter.writeLocal(array, grid: grid, path: folder + "/t.tif", format: .geotiff)
        let source = try RasterSource(folder + "/t.tif")
        XCTAssertEqual(try source.read().storage, array.storage)
        XCTAssertEqual(source.epsg, 32633)
        let libraries = try mappedLibraries(getpid())
        XCTAssertTrue(libraries.contains { $0.hasPrefix("libgdal.so") }, "GDAL worked but is not mapped: \(libraries)")
    }

    /// The file names of the shared objects mapped into process `pid`.
    private func mappedLibraries(_ pid: Int32) throws -> Set<String> {
        // Read to the end: /proc files have no size, and reading by size stops early.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/maps"))
        defer { try? handle.close() }
        let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        return Set(
            maps.split(separator: "\n").compactMap { line -> String? in
                guard let path = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(5).first
                else { return nil }
                let name = (String(path) as NSString).lastPathComponent
                return name.contains(".so") ? name : nil
            })
    }

    private func start(_ binary: URL, _ arguments: [String], token: String, log: String) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["GROW_TOKEN": token]) { $1 }
        guard FileManager.default.createFile(atPath: log, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = output
        process.standardError = output
        try process.run()
        addTeardownBlock {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        return process
    }

    /// The first line of `log` containing `text`, waiting up to 30 s for it.
    private func waitForLine(in log: String, containing text: String) throws -> String {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let content = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let line = content.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let content = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return try XCTUnwrap(nil as String?, "no \"\(text)\" in \(log) after 30 s: \(content.suffix(500))")
    }
}
