import CGDAL
import GrowBase
import GrowJob

/// Reads eo-grow's custom grid: a GeoPackage (or any vector file) whose layers each hold the
/// patches of one CRS; a patch is its geometry's bounding box, named by `name_column`.
enum CustomGridReader {
    static func read(path: String, nameColumn: String) throws(AreaError) -> AreaGrid {
        try GDAL.load { AreaError(path, $0) }
        guard let dataset = GDALOpenEx(GDAL.path(for: path), UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY), nil, nil, nil)
        else { throw AreaError(path, GDAL.lastError("cannot open as a vector file (GeoPackage, ...)")) }
        defer { GDALClose(dataset) }
        var patches: [AreaGrid.Tile] = []
        var names = Set<String>()
        for layerIndex in 0..<GDALDatasetGetLayerCount(dataset) {
            guard let layer = GDALDatasetGetLayer(dataset, layerIndex) else { continue }
            let epsg = try epsgCode(of: OGR_L_GetSpatialRef(layer), path: path)
            OGR_L_ResetReading(layer)
            while let feature = OGR_L_GetNextFeature(layer) {
                defer { OGR_F_Destroy(feature) }
                let field = OGR_F_GetFieldIndex(feature, nameColumn)
                guard field >= 0 else { throw AreaError(path, "has no column \"\(nameColumn)\" (name_column)") }
                let name = OGR_F_GetFieldAsString(feature, field).map { String(cString: $0) } ?? ""
                if let problem = TileSet.problem(withName: name) {
                    throw AreaError(path, "patch \"\(name)\": \(problem)")
                }
                guard names.insert(name).inserted else { throw AreaError(path, "names two patches \"\(name)\"") }
                guard let geometry = OGR_F_GetGeometryRef(feature), OGR_G_IsEmpty(geometry) == 0 else {
                    throw AreaError(path, "patch \"\(name)\" has no geometry")
                }
                var envelope = OGREnvelope()
                OGR_G_GetEnvelope(geometry, &envelope)
                guard envelope.MinX < envelope.MaxX, envelope.MinY < envelope.MaxY else {
                    throw AreaError(path, "patch \"\(name)\" has an empty bounding box")
                }
                patches.append(
                    AreaGrid.Tile(
                        name: name, epsg: epsg, cell: AreaGrid.Cell(col: 0, row: 0),
                        bounds: BoundingBox(
                            minX: envelope.MinX, minY: envelope.MinY, maxX: envelope.MaxX, maxY: envelope.MaxY)))
            }
        }
        guard !patches.isEmpty else { throw AreaError(path, "holds no patches") }
        return AreaGrid(patches: patches)
    }

    static func epsgCode(of srs: OGRSpatialReferenceH?, path: String) throws(AreaError) -> Int32 {
        guard let srs else {
            throw AreaError(path, "a layer has no CRS; every layer must hold patches of one EPSG CRS")
        }
        let copy = OSRClone(srs)
        defer { OSRDestroySpatialReference(copy) }
        _ = OSRAutoIdentifyEPSG(copy)
        guard let code = OSRGetAuthorityCode(copy, nil).map({ String(cString: $0) }), let epsg = Int32(code) else {
            throw AreaError(path, "a layer's CRS has no EPSG code")
        }
        return epsg
    }
}
