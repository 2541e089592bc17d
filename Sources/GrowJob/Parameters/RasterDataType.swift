/// Pixel types for exported maps.
package enum RasterDataType: String, Sendable, CaseIterable, Codable {
    case uint8, uint16, int16, float32

    package var isFloat: Bool { self == .float32 }
}
