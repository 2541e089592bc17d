import Foundation
import GrowJob
import ProjectStorage

/// Turns a config's `area` into its grid: splits the AOI into UTM zones (or reads a custom
/// grid's GeoPackage), keeps the patches `patch_names` lists, and caches a split in the project's
/// `cache` folder, reused while the AOI file and the split's parameters are unchanged.
package enum AreaResolver {
    /// The client's `AreaResolving` for `JobSpec.parse`: without a project folder the AOI path is
    /// absolute (or a URL) and the grid is not cached.
    package static func resolve(_ request: AreaRequest) throws -> AreaGrid {
        guard let projectFolder = request.projectFolder else {
            guard case .utmZones(let settings) = request.source else {
                throw AreaError("area", "needs a project folder")
            }
            return try AreaSplitter.split(aoiPath: settings.filename, settings: settings)
        }
        let storage = try projectFolder.openStore(request.storageSettings)
        var grid: AreaGrid
        switch request.source {
        case .utmZones(let settings):
            grid = try split(
                settings, storage: storage, inputFolder: request.inputFolder, cacheFolder: request.cacheFolder)
        case .customGrid(let folder, let filename, let nameColumn):
            grid = try withLocalCopy(of: join(folder, filename), in: storage) { path in
                try CustomGridReader.read(path: path, nameColumn: nameColumn)
            }
        }
        if let list = request.patchNames {
            grid.kept = try kept(by: list, in: grid, storage: storage)
        }
        return grid
    }

    static func split(
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
        if let aoiKey {
            grid = try withLocalCopy(of: aoiKey, in: storage) {
                try AreaSplitter.split(aoiPath: $0, settings: settings)
            }
        } else {
            grid = try AreaSplitter.split(aoiPath: settings.filename, settings: settings)
        }
        let record = JSONValue.object(["aoi_fingerprint": .string(fingerprint), "grid": grid.jsonValue])
        // A cache that cannot be written only costs a re-split next time.
        try? storage.write(cacheKey, bytes: Array(record.canonicalText.utf8))
        return grid
    }

    /// The positions of the listed patches, in the grid's order. As eo-grow, every name must be
    /// a patch of the grid.
    static func kept(by list: AreaRequest.PatchList, in grid: AreaGrid, storage: any ProjectStore) throws -> [Int] {
        let key = join(list.folder, list.filename)
        let bytes = try storage.read(key)
        guard let text = String(bytes: bytes, encoding: .utf8), case .array(let items)? = try? JSONParser.parse(text)
        else { throw AreaError(key, "expected a JSON list of patch names") }
        var wanted = Set<String>()
        for item in items {
            guard case .string(let name) = item else {
                throw AreaError(key, "expected patch names, got \(item.excerpt)")
            }
            wanted.insert(name)
        }
        let all = grid.allTiles
        let kept = all.indices.filter { wanted.contains(all[$0].name) }
        if kept.count != wanted.count {
            let known = Set(kept.map { all[$0].name })
            let missing = wanted.subtracting(known).sorted().prefix(3).joined(separator: ", ")
            throw AreaError(key, "names patches the grid does not have: \(missing)")
        }
        return kept
    }

    /// Runs `body` with a local path of a project file (the file itself when local).
    static func withLocalCopy<T>(of key: String, in storage: any ProjectStore, _ body: (String) throws -> T) throws -> T
    {
        if let local = GDAL.path(of: key, in: storage) { return try body(local) }
        return try RasterWriter.withTemporaryFolder { folder in
            let local = folder + "/" + (key as NSString).lastPathComponent
            try storage.download(key, toFile: local)
            return try body(local)
        }
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder + "/" + name
    }
}
