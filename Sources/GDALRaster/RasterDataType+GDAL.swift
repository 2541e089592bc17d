import CGDAL
import GrowJob

extension RasterDataType {
    var gdal: GDALDataType {
        switch self {
        case .uint8: GDT_Byte
        case .uint16: GDT_UInt16
        case .int16: GDT_Int16
        case .float32: GDT_Float32
        }
    }
}
