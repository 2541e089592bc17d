/// How source pixels are resampled into the tile's grid (GDAL's names).
package enum Resampling: String, Sendable, CaseIterable, Codable {
    case nearest = "near"
    case bilinear
    case cubic
    case average
}
