import Foundation

/// Where the package and its build products are, seen from a running test bundle.
package enum PackagePaths {
    /// The package's folder (this file lives under it).
    package static let root: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/",
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
        {
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    /// The build folder the test bundle runs from; `swift build --build-tests` puts grow-head and
    /// grow-worker there too.
    package static var buildDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }
    package static var headBinary: URL { buildDirectory.appendingPathComponent("grow-head") }
    package static var workerBinary: URL { buildDirectory.appendingPathComponent("grow-worker") }

    /// Requires grow-head (and with `worker`, grow-worker) built next to the tests.
    package static func requireBinaries(worker: Bool = false, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        try requirement(
            "grow-head in \(buildDirectory.path)", available: isExecutable(headBinary.path), from: .build, file: file,
            line: line)
        if worker {
            try requirement(
                "grow-worker in \(buildDirectory.path)", available: isExecutable(workerBinary.path), from: .build,
                file: file, line: line)
        }
    }
}

/// The Landsat-7 sample scene (6 bands, 349x352, EPSG:31985) in .cache/data, fetched by
/// scripts/fetch-sample-data when it is not there yet (a first test may run before that script).
package func sampleScene(file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let scene = PackagePaths.root.appendingPathComponent(".cache/data/L7_ETMs.tif").path
    if !FileManager.default.fileExists(atPath: scene) {
        let fetch = PackagePaths.root.appendingPathComponent("scripts/fetch-sample-data").path
        _ = try? runProcess(fetch, [])
    }
    try requirement(
        "the sample scene \(scene)", available: FileManager.default.fileExists(atPath: scene), from: .sampleData,
        file: file, line: line)
    return scene
}

/// Writes `scene`'s footprint in WGS84 as GeoJSON to `path` (gdaltindex), creating its folder:
/// the area of interest of a project made from the sample scene.
package func writeFootprint(of scene: String, to path: String) throws {
    try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let result = try runProcess("/usr/bin/gdaltindex", ["-f", "GeoJSON", "-t_srs", "EPSG:4326", path, scene])
    guard result.status == 0 else { throw HarnessError("gdaltindex \(scene) failed: \(result.output)") }
}
