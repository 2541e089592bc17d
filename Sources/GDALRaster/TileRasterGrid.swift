import GrowJob

/// The pixel grid of one tile: its CRS, its bounds (with any buffer) and its resolution. Scenes
/// are warped into it, EOPatch arrays are laid out on it (row 0 at the top, north), and exported
/// maps carry it as their georeferencing.
package struct TileRasterGrid: Sendable, Equatable {
    package var epsg: Int32
    package var bounds: BoundingBox
    package var resolution: Double
    package var width: Int
    package var height: Int

    /// nil when the bounds are not a whole number of pixels of `resolution` (to 1e-6 of a pixel).
    package init?(epsg: Int32, bounds: BoundingBox, resolution: Double) {
        guard resolution > 0 else { return nil }
        let columns = bounds.width / resolution
        let rows = bounds.height / resolution
        guard columns >= 1, rows >= 1, abs(columns - columns.rounded()) < 1e-6, abs(rows - rows.rounded()) < 1e-6
        else { return nil }
        self.epsg = epsg
        self.bounds = bounds
        self.resolution = resolution
        self.width = Int(columns.rounded())
        self.height = Int(rows.rounded())
    }

    /// GDAL's affine transform: x = gt0 + col*gt1, y = gt3 + row*gt5 (north up).
    package var geoTransform: [Double] {
        [bounds.minX, resolution, 0, bounds.maxY, 0, -resolution]
    }
}
