import Foundation

/// eo-grow's `UtmZoneAreaManager` section of a config:
///
///     "area": {
///       "manager": "eogrow.core.area.UtmZoneAreaManager",
///       "geometry_filename": "slovenia.geojson",
///       "patch": {"size_x": 10000, "size_y": 10000, "buffer_x": 0, "buffer_y": 0},
///       "offset_x": 0, "offset_y": 0
///     }
package struct AreaSettings: Sendable, Equatable {
    /// The AOI file: absolute, or relative to the project's `input_data` folder.
    package var filename: String
    package var sizeX: Double
    package var sizeY: Double
    package var bufferX: Double
    package var bufferY: Double
    package var offsetX: Double
    package var offsetY: Double

    package init(
        filename: String, sizeX: Double, sizeY: Double, bufferX: Double = 0, bufferY: Double = 0,
        offsetX: Double = 0, offsetY: Double = 0
    ) {
        self.filename = filename
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
