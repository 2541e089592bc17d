import CGDAL
import EOData
import GrowJob

/// eo-learn's `ImportFromTiffTask` read: the raster's own pixels (no resampling) in the window
/// that covers a box, in the raster's data type; pixels of the window outside the raster get a
/// fill value.
extension RasterSource {
    /// Every band in the window of `box` (given in EPSG `epsg`; taken to the raster's CRS by its
    /// lower-left and upper-right corners when they differ, as sentinelhub's `BBox.transform`
    /// does), as H×W×C. A window pixel takes the raster pixel under its centre.
    package func window(of box: BoundingBox, epsg: Int32, fill: Double) throws(RasterError) -> NpyArray {
        guard let transform = geoTransform, transform[2] == 0, transform[4] == 0 else {
            throw RasterError(location, "has no north-up georeference to find the patch's window in", retryable: false)
        }
        var box = box
        if let own = self.epsg, own != epsg { box = try Self.corners(of: box, from: epsg, to: own, location: location) }
        let columnOffset = (box.minX - transform[0]) / transform[1]
        let rowOffset = (box.maxY - transform[3]) / transform[5]
        let columnSpan = (box.maxX - box.minX) / transform[1]
        let rowSpan = (box.minY - box.maxY) / transform[5]
        let (width, height) = (Int(columnSpan.rounded()), Int(rowSpan.rounded()))
        guard width > 0, height > 0 else {
            throw RasterError(location, "the patch covers less than a pixel of the raster", retryable: false)
        }
        // The raster pixel under each window pixel's centre (-1 outside the raster).
        let columns = (0..<width).map { column -> Int in
            let source = Int((columnOffset + (Double(column) + 0.5) * columnSpan / Double(width)).rounded(.down))
            return source >= 0 && source < self.width ? source : -1
        }
        let rows = (0..<height).map { row -> Int in
            let source = Int((rowOffset + (Double(row) + 0.5) * rowSpan / Double(height)).rounded(.down))
            return source >= 0 && source < self.height ? source : -1
        }
        guard let band = GDALGetRasterBand(handle, 1) else {
            throw RasterError(location, "has no bands", retryable: false)
        }
        switch GDALGetRasterDataType(band) {
        case GDT_Byte: return .uint8(try pick(UInt8.self, GDT_Byte, rows, columns, fill))
        case GDT_UInt16: return .uint16(try pick(UInt16.self, GDT_UInt16, rows, columns, fill))
        case GDT_Int16: return .int16(try pick(Int16.self, GDT_Int16, rows, columns, fill))
        case GDT_UInt32: return .uint32(try pick(UInt32.self, GDT_UInt32, rows, columns, fill))
        case GDT_Int32: return .int32(try pick(Int32.self, GDT_Int32, rows, columns, fill))
        case GDT_Float32: return .float32(try pick(Float.self, GDT_Float32, rows, columns, fill))
        case GDT_Float64: return .float64(try pick(Double.self, GDT_Float64, rows, columns, fill))
        default: throw RasterError(location, "has a pixel type grow does not import (complex or 64-bit integer)")
        }
    }

    /// Reads the raster rows and columns the window uses (one block covering them) and places
    /// them; `fill` elsewhere.
    private func pick<T: RasterFillable>(
        _: T.Type, _ type: GDALDataType, _ rows: [Int], _ columns: [Int], _ fill: Double
    ) throws(RasterError) -> NDArray<T> {
        let bands = bandCount
        var out = NDArray<T>(shape: [rows.count, columns.count, bands], repeating: T(fill: fill))
        let usedRows = rows.filter { $0 >= 0 }
        let usedColumns = columns.filter { $0 >= 0 }
        guard let top = usedRows.min(), let bottom = usedRows.max(), let left = usedColumns.min(),
            let right = usedColumns.max()
        else { return out }
        let (blockWidth, blockHeight) = (right - left + 1, bottom - top + 1)
        var block = [T](repeating: T(fill: 0), count: blockWidth * blockHeight * bands)
        let size = MemoryLayout<T>.stride
        let status = block.withUnsafeMutableBytes { raw in
            GDALDatasetRasterIO(
                handle, GF_Read, Int32(left), Int32(top), Int32(blockWidth), Int32(blockHeight), raw.baseAddress,
                Int32(blockWidth), Int32(blockHeight), type, Int32(bands), nil, Int32(size * bands),
                Int32(size * bands * blockWidth), Int32(size))
        }
        guard status == CE_None else { throw RasterError(location, GDAL.lastError("cannot read")) }
        for (row, sourceRow) in rows.enumerated() where sourceRow >= 0 {
            for (column, sourceColumn) in columns.enumerated() where sourceColumn >= 0 {
                let from = ((sourceRow - top) * blockWidth + (sourceColumn - left)) * bands
                let to = (row * columns.count + column) * bands
                for band in 0..<bands { out.storage[to + band] = block[from + band] }
            }
        }
        return out
    }

    private static func corners(of box: BoundingBox, from: Int32, to: Int32, location: String) throws(RasterError)
        -> BoundingBox
    {
        let source = OSRNewSpatialReference(nil)
        let target = OSRNewSpatialReference(nil)
        defer {
            OSRDestroySpatialReference(source)
            OSRDestroySpatialReference(target)
        }
        OSRImportFromEPSG(source, Int32(from))
        OSRImportFromEPSG(target, Int32(to))
        OSRSetAxisMappingStrategy(source, OAMS_TRADITIONAL_GIS_ORDER)
        OSRSetAxisMappingStrategy(target, OAMS_TRADITIONAL_GIS_ORDER)
        guard let transform = OCTNewCoordinateTransformation(source, target) else {
            throw RasterError(location, GDAL.lastError("cannot transform EPSG:\(from) to EPSG:\(to)"), retryable: false)
        }
        defer { OCTDestroyCoordinateTransformation(transform) }
        var xs = [box.minX, box.maxX]
        var ys = [box.minY, box.maxY]
        var zs = [0.0, 0.0]
        guard OCTTransform(transform, 2, &xs, &ys, &zs) != 0 else {
            throw RasterError(location, GDAL.lastError("cannot transform the patch to EPSG:\(to)"), retryable: false)
        }
        return BoundingBox(minX: xs[0], minY: ys[0], maxX: xs[1], maxY: ys[1])
    }
}

/// Pixel types a window can be filled with: a float fill becomes an integer as a C cast would
/// (NaN → 0).
protocol RasterFillable: NpyElement {
    init(fill: Double)
}

extension UInt8: RasterFillable {
    init(fill: Double) { self = fill.isFinite ? UInt8(truncatingIfNeeded: Int64(fill)) : 0 }
}
extension UInt16: RasterFillable {
    init(fill: Double) { self = fill.isFinite ? UInt16(truncatingIfNeeded: Int64(fill)) : 0 }
}
extension Int16: RasterFillable {
    init(fill: Double) { self = fill.isFinite ? Int16(truncatingIfNeeded: Int64(fill)) : 0 }
}
extension UInt32: RasterFillable {
    init(fill: Double) { self = fill.isFinite ? UInt32(truncatingIfNeeded: Int64(fill)) : 0 }
}
extension Int32: RasterFillable {
    init(fill: Double) { self = fill.isFinite ? Int32(truncatingIfNeeded: Int64(fill)) : 0 }
}
extension Float: RasterFillable { init(fill: Double) { self = Float(fill) } }
extension Double: RasterFillable { init(fill: Double) { self = fill } }
