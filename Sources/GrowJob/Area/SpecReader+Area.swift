import GrowBase

/// Reads a config's `area` section (eo-grow's `UtmZoneAreaManager` or `CustomGridAreaManager`);
/// the client's resolver turns it into the grid's tiles.
extension SpecReader {
    func areaRequest(_ value: JSONValue, storage: StorageSection, eoGrowConfig: Bool) throws(JobSpecError)
        -> AreaRequest
    {
        let members = try object(value, at: "area")
        let managers = [CommonSchema.utmAreaManager, CommonSchema.customGridAreaManager]
        // The manager picks the schema; grow's configs may leave it out (UTM zones).
        var probe = ParameterReader(source: source, members: members, prefix: "area", keys: CommonSchema.utmArea)
        let manager = try manager(&probe, expected: managers, required: eoGrowConfig) ?? CommonSchema.utmAreaManager
        let isCustomGrid = manager == CommonSchema.customGridAreaManager
        var area = ParameterReader(
            source: source, members: members, prefix: "area",
            keys: isCustomGrid ? CommonSchema.customGridArea : CommonSchema.utmArea)
        _ = area.value("manager")

        var patchNames: AreaRequest.PatchList?
        if var list = try area.object("patch_names") {
            let key = try list.string("input_folder_key")
            let filename = try list.string("filename")
            guard filename.lowercased().hasSuffix(".json"), filename.count > 5 else {
                throw list.fail("filename", "expected a .json file of patch names, got \(JSONValue.quote(filename))")
            }
            try list.finish()
            patchNames = AreaRequest.PatchList(
                folder: try folder(key, at: "area.patch_names.input_folder_key", storage), filename: filename)
        }

        let source: AreaRequest.Source
        if isCustomGrid {
            let key = try area.string("grid_folder_key", default: "input_data")
            let filename = try area.string("grid_filename")
            guard filename.contains("."), !filename.hasPrefix("."), !filename.hasSuffix(".") else {
                throw area.fail("grid_filename", "expected a file name with an extension, e.g. grid.gpkg")
            }
            source = .customGrid(
                folder: try folder(key, at: "area.grid_folder_key", storage), filename: filename,
                nameColumn: try area.string("name_column"))
        } else {
            let filename = try area.string("geometry_filename")
            guard var patch = try area.object("patch") else {
                throw area.fail("patch", "missing; expected {\"size_x\": 10000, \"size_y\": 10000} in metres")
            }
            // eo-grow's sizes are integers (pydantic truncates 1000.7 to 1000).
            let size: (Double) -> Bool = { $0 >= 1 && $0 < 1e7 + 1 }
            let sizeX = try patch.number("size_x", "a patch width in metres >= 1", size).rounded(.towardZero)
            let sizeY = try patch.number("size_y", "a patch height in metres >= 1", size).rounded(.towardZero)
            // A negative buffer shrinks the patches, as in eo-grow, but must leave some of them.
            let bufferX = try patch.number("buffer_x", default: 0, "a buffer in metres > -size_x / 2") {
                $0 > -sizeX / 2 && $0 <= 1e6
            }
            let bufferY = try patch.number("buffer_y", default: 0, "a buffer in metres > -size_y / 2") {
                $0 > -sizeY / 2 && $0 <= 1e6
            }
            try patch.finish()
            let offset: (Double) -> Bool = { $0.isFinite && abs($0) <= 1e7 }
            let offsetX = try area.number("offset_x", default: 0, "a number of metres", offset)
            let offsetY = try area.number("offset_y", default: 0, "a number of metres", offset)
            if storage.projectFolder == nil, !filename.hasPrefix("/"), !filename.contains("://") {
                throw fail("area.geometry_filename", "a relative path needs \"storage\": {\"project_folder\": ...}")
            }
            source = .utmZones(
                AreaSettings(
                    filename: filename, sizeX: sizeX, sizeY: sizeY, bufferX: bufferX, bufferY: bufferY,
                    offsetX: offsetX, offsetY: offsetY))
        }
        try area.finish()
        if storage.projectFolder == nil, isCustomGrid || patchNames != nil {
            throw fail(
                "area",
                "the grid and patch lists are read from the project: give \"storage\": {\"project_folder\": ...}")
        }
        return AreaRequest(
            source: source, patchNames: patchNames, projectFolder: storage.projectFolder,
            inputFolder: storage.folder("input_data"), cacheFolder: storage.folder("cache"),
            storageSettings: storage.settings)
    }

    /// The folder a storage key names (eo-grow's defaults included).
    func folder(_ key: String, at path: String, _ storage: StorageSection) throws(JobSpecError) -> String {
        guard let folder = storage.structure[key] ?? JobSpec.defaultStructure[key] else {
            throw fail(path, "storage.structure has no folder key \(JSONValue.quote(key))")
        }
        return folder
    }

    /// The area's tiles, from the client's resolver.
    func resolve(_ request: AreaRequest) throws(JobSpecError) -> TileSet {
        if checkOnly { return .numbered(TileSet.maxCount)! }
        guard let resolveArea else {
            throw fail(
                "area",
                "this job's area is not resolved into tiles; submit it with grow-head submit or run, which read the AOI and send the grid"
            )
        }
        let grid: AreaGrid
        do {
            grid = try resolveArea(request)
        } catch let error as JobSpecError {
            throw error
        } catch {
            throw fail(request.sourcePath, "\(error)")
        }
        guard let tiles = TileSet.area(grid) else { throw fail("area", "more than \(TileSet.maxCount) tiles") }
        return tiles
    }
}

extension StorageSection {
    /// The folder of a storage key, eo-grow's defaults included ("" when unknown).
    func folder(_ key: String) -> String { structure[key] ?? JobSpec.defaultStructure[key] ?? key }
}

extension AreaRequest {
    /// The key path errors about reading the area are reported at.
    var sourcePath: String {
        switch source {
        case .utmZones: "area.geometry_filename"
        case .customGrid: "area.grid_filename"
        }
    }
}
