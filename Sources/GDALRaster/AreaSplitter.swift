import CGDAL
import Foundation
import GrowBase
import GrowJob

/// Splits an area of interest (any vector file GDAL reads: GeoJSON, GeoPackage, Shapefile, ...)
/// into the UTM grid of `AreaGrid`: the AOI's features are merged, cut per UTM zone, taken into
/// the zone's CRS, and covered by patches aligned to multiples of the patch size (plus offset);
/// a patch is kept when it meets the AOI.
package enum AreaSplitter {
    package static func split(aoiPath: String, settings: AreaSettings) throws(AreaError) -> AreaGrid {
        try GDAL.load { AreaError(aoiPath, $0) }
        let aoi = try readAOI(aoiPath, settings: settings)
        defer { OGR_G_DestroyGeometry(aoi) }
        var envelope = OGREnvelope()
        OGR_G_GetEnvelope(aoi, &envelope)
        let box = BoundingBox(minX: envelope.MinX, minY: envelope.MinY, maxX: envelope.MaxX, maxY: envelope.MaxY)
        let zones = UTMZone.zones(meeting: box)
        guard !zones.isEmpty else {
            throw AreaError(
                aoiPath,
                "the area (latitude \(format(box.minY))...\(format(box.maxY))) lies outside every UTM zone (80°S to 84°N)"
            )
        }
        var result: [AreaGrid.Zone] = []
        for zone in zones.sorted() {
            if let part = try cells(of: aoi, in: zone, settings: settings, path: aoiPath) { result.append(part) }
        }
        let grid = AreaGrid(
            sizeX: settings.sizeX, sizeY: settings.sizeY, bufferX: settings.bufferX, bufferY: settings.bufferY,
            zones: result)
        guard grid.count > 0 else {
            throw AreaError(aoiPath, "the area lies outside every UTM zone (80°S to 84°N) or is empty")
        }
        return grid
    }

    /// The AOI as one WGS84 (longitude, latitude) geometry; caller destroys it.
    static func readAOI(_ path: String, settings: AreaSettings) throws(AreaError) -> OGRGeometryH {
        guard let dataset = GDALOpenEx(GDAL.path(for: path), UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY), nil, nil, nil)
        else {
            throw AreaError(path, GDAL.lastError("cannot open as a vector file (GeoJSON, GeoPackage, Shapefile, ...)"))
        }
        defer { GDALClose(dataset) }
        let wgs84 = OSRNewSpatialReference(nil)
        defer { OSRDestroySpatialReference(wgs84) }
        OSRImportFromEPSG(wgs84, 4326)
        OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER)

        var merged: OGRGeometryH? = nil
        for layerIndex in 0..<GDALDatasetGetLayerCount(dataset) {
            guard let layer = GDALDatasetGetLayer(dataset, layerIndex) else { continue }
            let layerSRS = OGR_L_GetSpatialRef(layer)
            OGR_L_ResetReading(layer)
            while let feature = OGR_L_GetNextFeature(layer) {
                defer { OGR_F_Destroy(feature) }
                guard let geometry = OGR_F_GetGeometryRef(feature), OGR_G_IsEmpty(geometry) == 0 else { continue }
                guard let part = OGR_G_Clone(geometry) else { continue }
                if let layerSRS {
                    let source = OSRClone(layerSRS)
                    OSRSetAxisMappingStrategy(source, OAMS_TRADITIONAL_GIS_ORDER)
                    let transform = OCTNewCoordinateTransformation(source, wgs84)
                    OSRDestroySpatialReference(source)
                    let status = transform.map { OGR_G_Transform(part, $0) } ?? OGRERR_FAILURE
                    if let transform { OCTDestroyCoordinateTransformation(transform) }
                    guard status == OGRERR_NONE else {
                        OGR_G_DestroyGeometry(part)
                        throw AreaError(path, GDAL.lastError("cannot take the area to longitude/latitude"))
                    }
                }
                if let previous = merged {
                    merged = OGR_G_Union(previous, part)
                    OGR_G_DestroyGeometry(previous)
                    OGR_G_DestroyGeometry(part)
                } else {
                    merged = part
                }
            }
        }
        guard let merged, OGR_G_IsEmpty(merged) == 0 else {
            throw AreaError(path, "holds no geometry: expected at least one polygon")
        }
        return merged
    }

    /// The patches of the AOI's part in one zone, or nil if the AOI does not reach into it.
    private static func cells(of aoi: OGRGeometryH, in zone: UTMZone, settings: AreaSettings, path: String)
        throws(AreaError) -> AreaGrid.Zone?
    {
        let zoneBox = zone.bounds
        guard let zoneShape = rectangle(zoneBox) else { return nil }
        defer { OGR_G_DestroyGeometry(zoneShape) }
        guard OGR_G_Intersects(aoi, zoneShape) != 0, let part = OGR_G_Intersection(aoi, zoneShape) else { return nil }
        defer { OGR_G_DestroyGeometry(part) }
        guard OGR_G_IsEmpty(part) == 0, OGR_G_Area(part) > 0 || OGR_G_GetDimension(part) < 2 else { return nil }

        let wgs84 = OSRNewSpatialReference(nil)
        let utm = OSRNewSpatialReference(nil)
        defer {
            OSRDestroySpatialReference(wgs84)
            OSRDestroySpatialReference(utm)
        }
        OSRImportFromEPSG(wgs84, 4326)
        OSRImportFromEPSG(utm, zone.epsg)
        OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER)
        OSRSetAxisMappingStrategy(utm, OAMS_TRADITIONAL_GIS_ORDER)
        guard let transform = OCTNewCoordinateTransformation(wgs84, utm) else {
            throw AreaError(path, GDAL.lastError("cannot set up the transformation to EPSG:\(zone.epsg)"))
        }
        defer { OCTDestroyCoordinateTransformation(transform) }
        guard OGR_G_Transform(part, transform) == OGRERR_NONE else {
            throw AreaError(path, GDAL.lastError("cannot take the area to EPSG:\(zone.epsg)"))
        }
        var envelope = OGREnvelope()
        OGR_G_GetEnvelope(part, &envelope)
        let originX = aligned(envelope.MinX, size: settings.sizeX, offset: settings.offsetX)
        let originY = aligned(envelope.MinY, size: settings.sizeY, offset: settings.offsetY)
        let columns = Int(((envelope.MaxX - originX) / settings.sizeX).rounded(.up))
        let rows = Int(((envelope.MaxY - originY) / settings.sizeY).rounded(.up))
        var cells: [AreaGrid.Cell] = []
        for col in 0..<max(columns, 1) {
            for row in 0..<max(rows, 1) {
                let minX = originX + Double(col) * settings.sizeX
                let minY = originY + Double(row) * settings.sizeY
                let box = BoundingBox(minX: minX, minY: minY, maxX: minX + settings.sizeX, maxY: minY + settings.sizeY)
                guard let patch = rectangle(box) else { continue }
                if OGR_G_Intersects(patch, part) != 0 { cells.append(AreaGrid.Cell(col: col, row: row)) }
                OGR_G_DestroyGeometry(patch)
            }
        }
        return cells.isEmpty ? nil : AreaGrid.Zone(epsg: zone.epsg, originX: originX, originY: originY, cells: cells)
    }

    /// The largest `offset + k * size` at or below `value`.
    static func aligned(_ value: Double, size: Double, offset: Double) -> Double {
        ((value - offset) / size).rounded(.down) * size + offset
    }

    private static func rectangle(_ box: BoundingBox) -> OGRGeometryH? {
        let ring = OGR_G_CreateGeometry(wkbLinearRing)
        for (x, y) in [
            (box.minX, box.minY), (box.maxX, box.minY), (box.maxX, box.maxY), (box.minX, box.maxY),
            (box.minX, box.minY),
        ] {
            OGR_G_AddPoint_2D(ring, x, y)
        }
        let polygon = OGR_G_CreateGeometry(wkbPolygon)
        OGR_G_AddGeometryDirectly(polygon, ring)
        return polygon
    }

    private static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}

/// A problem with the area of interest, naming the file.
package struct AreaError: RetryableError, Sendable, Equatable {
    package var path: String
    package var message: String

    package init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    package var description: String { "\(path): \(message)" }
    /// A missing or unreadable AOI, or one outside UTM, stays so.
    package var isRetryable: Bool { false }
}
