import EOData
import GrowJob
import ProjectStorage

/// EOPatch access by the feature references pipeline configs name (`["data", "NDVI"]`).
extension EOPatch {
    subscript(_ feature: FeatureRef) -> NpyArray? {
        get { self[feature.kind, feature.name] }
        set { self[feature.kind, feature.name] = newValue }
    }

    static func read(from storage: any ProjectStore, folder: String, features: [FeatureRef]) throws -> EOPatch {
        try read(from: storage, folder: folder, features: features.map { ($0.kind, $0.name) })
    }
}

extension BBox {
    init(_ bounds: BoundingBox, epsg: Int32) {
        self.init(minX: bounds.minX, minY: bounds.minY, maxX: bounds.maxX, maxY: bounds.maxY, epsg: Int(epsg))
    }

    /// The box without its CRS, for raster grids.
    var bounds: BoundingBox { BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY) }
}
