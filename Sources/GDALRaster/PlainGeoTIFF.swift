import CGDAL
import Foundation
import GrowJob
import ProjectStorage

/// A GeoTIFF as eo-learn's ExportToTiffTask writes one patch (rasterio, no compression): given
/// values, bands, the patch's box and CRS, and a nodata value only when one is given. export_maps
/// writes one per patch (or per patch and time) for the head to merge.
package enum PlainGeoTIFF {
    /// `bytes`: little-endian values of `dataType`, band after band, each `height` rows of
    /// `width`. `geoTransform`: GDAL's six numbers.
    package static func write(
        _ bytes: [UInt8], bands: Int, width: Int, height: Int, dataType: RasterDataType, geoTransform: [Double],
        epsg: Int32, noData: Double?, to storage: any ProjectStore, key: String
    ) throws {
        try RasterWriter.withTemporaryFolder { folder in
            let local = folder + "/" + (key as NSString).lastPathComponent
            try writeLocal(
                bytes, bands: bands, width: width, height: height, dataType: dataType, geoTransform: geoTransform,
                epsg: epsg, noData: noData, path: local)
            try storage.upload(key, fromFile: local)
        }
    }

    static func writeLocal(
        _ bytes: [UInt8], bands: Int, width: Int, height: Int, dataType: RasterDataType, geoTransform: [Double],
        epsg: Int32, noData: Double?, path: String
    ) throws(RasterError) {
        try GDAL.load { RasterError(path, $0) }
        CPLErrorReset()
        let itemSize = dataType.byteCount
        guard bands > 0, width > 0, height > 0, bytes.count == bands * width * height * itemSize else {
            throw RasterError(
                path, "\(bytes.count) bytes are not \(bands) bands of \(width)x\(height) \(dataType)", retryable: false)
        }
        guard let wkt = GDAL.wkt(epsg: epsg) else {
            throw RasterError(path, "unknown CRS EPSG:\(epsg)", retryable: false)
        }
        guard let driver = GDALGetDriverByName("GTiff"),
            let dataset = GDALCreate(driver, path, Int32(width), Int32(height), Int32(bands), dataType.gdal, nil)
        else { throw RasterError(path, GDAL.lastError("cannot create the GeoTIFF")) }
        var transform = geoTransform
        GDALSetGeoTransform(dataset, &transform)
        GDALSetProjection(dataset, wkt)
        if let noData {
            for band in 1...bands { GDALSetRasterNoDataValue(GDALGetRasterBand(dataset, Int32(band)), noData) }
        }
        var values = bytes
        let status = values.withUnsafeMutableBytes { raw in
            GDALDatasetRasterIO(
                dataset, GF_Write, 0, 0, Int32(width), Int32(height), raw.baseAddress, Int32(width), Int32(height),
                dataType.gdal, Int32(bands), nil, Int32(itemSize), Int32(itemSize * width),
                Int32(itemSize * width * height))
        }
        GDALClose(dataset)
        guard status == CE_None, CPLGetLastErrorType() != CE_Failure else {
            throw RasterError(path, GDAL.lastError("cannot write the GeoTIFF"))
        }
    }
}

extension RasterDataType {
    /// Bytes per value.
    package var byteCount: Int {
        switch self {
        case .uint8: 1
        case .uint16, .int16: 2
        case .float32: 4
        }
    }
}
