import Foundation
import GrowJob
import ProjectStorage

/// Turns a config's `area` into its grid: finds the AOI file (absolute, or in the project's
/// `input_data` folder), and reuses the grid cached in the project's `cache` folder when the AOI
/// file and the split's parameters are unchanged, else splits and caches.
package enum AreaResolver {
    /// The client's `AreaResolving` for `JobSpec.parse`: without a project folder the AOI path is
    /// absolute (or a URL) and the grid is not cached.
    package static func resolve(_ request: AreaRequest) throws -> AreaGrid {
        guard let projectFolder = request.projectFolder else {
            return try AreaSplitter.split(aoiPath: request.settings.filename, settings: request.settings)
        }
        return try grid(
            request.settings, storage: try projectFolder.openStore(request.storageSettings),
            inputFolder: request.inputFolder, cacheFolder: request.cacheFolder)
    }

    static func grid(
        _ settings: AreaSettings, storage: any ProjectStore, inputFolder: String, cacheFolder: String
    ) throws -> AreaGrid {
        let isURL = settings.filename.contains("://")
        let aoiKey = settings.filename.hasPrefix("/") || isURL ? nil : join(inputFolder, settings.filename)
        // What identifies the AOI's content, so a changed file is split again.
        let aoiBytes: [UInt8]
        if let aoiKey {
            aoiBytes = try storage.read(aoiKey)
        } else if isURL {
            aoiBytes = Array(settings.filename.utf8)
        } else {
            aoiBytes = try LocalStore(root: "/").read(String(settings.filename.dropFirst()))
        }
        let fingerprint = String(FNV1a.hash(aoiBytes), radix: 16)
        let cacheKey = join(cacheFolder, settings.cacheName)
        if let cached = try? storage.read(cacheKey), let text = String(bytes: cached, encoding: .utf8),
            case .object(let members)? = try? JSONParser.parse(text),
            members["aoi_fingerprint"] == .string(fingerprint),
            let value = members["grid"], let grid = AreaGrid(json: value)
        {
            return grid
        }
        let grid: AreaGrid
        if let aoiKey, let local = GDAL.path(of: aoiKey, in: storage) {
            grid = try AreaSplitter.split(aoiPath: local, settings: settings)
        } else if aoiKey == nil {
            grid = try AreaSplitter.split(aoiPath: settings.filename, settings: settings)
        } else {
            grid = try RasterWriter.withTemporaryFolder { folder in
                let local = folder + "/" + (settings.filename as NSString).lastPathComponent
                try storage.download(aoiKey ?? "", toFile: local)
                return try AreaSplitter.split(aoiPath: local, settings: settings)
            }
        }
        let record = JSONValue.object(["aoi_fingerprint": .string(fingerprint), "grid": grid.jsonValue])
        // A cache that cannot be written only costs a re-split next time.
        try? storage.write(cacheKey, bytes: Array(record.canonicalText.utf8))
        return grid
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder + "/" + name
    }
}
