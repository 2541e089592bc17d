import Foundation

/// The part of an EOPatch a pipeline step works with: where it is (bbox and CRS), when
/// (timestamps), and the features it reads or writes. Reading loads only the features asked for.
struct TilePatch {
    var bbox: BoundingBox
    var epsg: Int32
    var timestamps: [Date]
    var features: [FeatureRef: NpyArray] = [:]

    init(bbox: BoundingBox, epsg: Int32, timestamps: [Date]) {
        self.bbox = bbox
        self.epsg = epsg
        self.timestamps = timestamps
    }

    static func read(from storage: any ProjectStorage, folder: String, features: [FeatureRef]) throws -> TilePatch {
        fatalError("TODO: EOPatch")
    }

    func write(to storage: any ProjectStorage, folder: String, compressLevel: Int) throws {
        fatalError("TODO: EOPatch")
    }
}

