import Foundation

/// The `area` section of a pipeline config, in eo-grow's `UtmZoneAreaManager` terms:
///
///     "area": {
///       "area_of_interest": {"filename": "slovenia.geojson", "buffer": 0.01},
///       "patch": {"size_x": 10000, "size_y": 10000, "buffer_x": 0, "buffer_y": 0},
///       "offset_x": 0, "offset_y": 0
///     }
package struct AreaSettings: Sendable, Equatable {
    /// The AOI file: absolute, or relative to the project's `input_data` folder.
    package var filename: String
    /// Grows (or shrinks) the AOI, in the units of its own CRS, before splitting.
    package var aoiBuffer: Double?
    /// Simplifies the AOI (tolerance in its CRS units) before splitting.
    package var simplification: Double?
    package var sizeX: Double
    package var sizeY: Double
    package var bufferX: Double
    package var bufferY: Double
    package var offsetX: Double
    package var offsetY: Double

    package init(
        filename: String, aoiBuffer: Double? = nil, simplification: Double? = nil, sizeX: Double, sizeY: Double,
        bufferX: Double = 0, bufferY: Double = 0, offsetX: Double = 0, offsetY: Double = 0
    ) {
        self.filename = filename
        self.aoiBuffer = aoiBuffer
        self.simplification = simplification
        self.sizeX = sizeX
        self.sizeY = sizeY
        self.bufferX = bufferX
        self.bufferY = bufferY
        self.offsetX = offsetX
        self.offsetY = offsetY
    }

    /// The name of the grid's cache file, from the AOI's name and the split's parameters, as
    /// eo-grow names its cached grids.
    package var cacheName: String {
        let stem = ((filename as NSString).lastPathComponent as NSString).deletingPathExtension
        let numbers = [sizeX, sizeY, bufferX, bufferY, offsetX, offsetY].map { JSONValue.format($0) }
        return "UtmZoneAreaManager_\(stem)_\(numbers.joined(separator: "_")).json"
    }
}
