import GrowBase

/// Reads a config's `area` section (eo-grow's `UtmZoneAreaManager` keys); the client's resolver
/// turns it into the grid's tiles.
extension SpecReader {
    func areaRequest(
        _ value: JSONValue, projectFolder: ProjectLocation?, structure: [String: String],
        settings storageSettings: StorageSettings
    ) throws(JobSpecError) -> AreaRequest {
        guard case .object(let members) = value else { throw fail("area", "expected an object, got \(value.excerpt)") }
        var area = ParameterReader(source: source, members: members, prefix: "area")
        if let manager = try area.optionalString("manager"), !manager.hasSuffix("UtmZoneAreaManager") {
            throw area.fail(
                "manager",
                "grow splits areas into UTM zones: expected eogrow.core.area.UtmZoneAreaManager, got \(JSONValue.quote(manager))"
            )
        }
        guard var aoi = try area.object("area_of_interest") else {
            throw area.fail("area_of_interest", "missing; expected {\"filename\": \"aoi.geojson\"}")
        }
        let filename = try aoi.string("filename")
        let aoiBuffer = try aoi.optionalNumber("buffer", "a number") { $0.isFinite }
        let simplification = try aoi.optionalNumber("simplification_factor", "a number >= 0") { $0 >= 0 && $0.isFinite }
        try aoi.finish(expected: "filename, buffer, simplification_factor")
        guard var patch = try area.object("patch") else {
            throw area.fail("patch", "missing; expected {\"size_x\": 10000, \"size_y\": 10000} in metres")
        }
        let size: (Double) -> Bool = { $0 >= 1 && $0 <= 1e7 }
        let buffer: (Double) -> Bool = { $0 >= 0 && $0 <= 1e6 }
        let sizeX = try patch.number("size_x", "a patch width in metres >= 1", size)
        let sizeY = try patch.number("size_y", "a patch height in metres >= 1", size)
        let bufferX = try patch.number("buffer_x", default: 0, "a buffer in metres >= 0", buffer)
        let bufferY = try patch.number("buffer_y", default: 0, "a buffer in metres >= 0", buffer)
        try patch.finish(expected: "size_x, size_y, buffer_x, buffer_y")
        let offset: (Double) -> Bool = { $0.isFinite && abs($0) <= 1e7 }
        let offsetX = try area.number("offset_x", default: 0, "a number of metres", offset)
        let offsetY = try area.number("offset_y", default: 0, "a number of metres", offset)
        try area.finish(expected: "manager, area_of_interest, patch, offset_x, offset_y")

        let settings = AreaSettings(
            filename: filename, aoiBuffer: aoiBuffer, simplification: simplification, sizeX: sizeX, sizeY: sizeY,
            bufferX: bufferX, bufferY: bufferY, offsetX: offsetX, offsetY: offsetY)
        if projectFolder == nil, !filename.hasPrefix("/"), !filename.contains("://") {
            throw fail(
                "area.area_of_interest.filename", "a relative AOI path needs \"storage\": {\"project_folder\": ...}")
        }
        return AreaRequest(
            settings: settings, projectFolder: projectFolder,
            inputFolder: structure["input_data"] ?? JobSpec.defaultStructure["input_data"] ?? "",
            cacheFolder: structure["cache"] ?? JobSpec.defaultStructure["cache"] ?? "cache",
            storageSettings: storageSettings)
    }

    /// The area's tiles, from the client's resolver.
    func resolve(_ request: AreaRequest) throws(JobSpecError) -> TileSet {
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
            throw fail("area.area_of_interest.filename", "\(error)")
        }
        guard let tiles = TileSet.area(grid) else { throw fail("area", "more than \(TileSet.maxCount) tiles") }
        return tiles
    }
}
