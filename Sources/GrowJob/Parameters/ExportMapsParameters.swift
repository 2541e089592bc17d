import Foundation

/// `"pipeline": "export_maps"`: a GeoTIFF (COG) per tile from one feature, then, once every tile
/// is done, one mosaic per UTM zone and a PNG quicklook.
///
///     "input_folder_key": "features", "output_folder_key": "maps",
///     "feature": ["data_timeless", "MOSAIC"] | ["data", "NDVI"], "band_indices": [0],
///     "map_name": "ndvi.tif", "map_dtype": "float32", "no_data_value": null,
///     "time_index": -1, "cogify": true, "quicklook": "ndvi"
///
/// Files: `<output folder>/<map stem>/tiles/<tile>.tif`, then
/// `<output folder>/<map stem>/<map stem>_<EPSG>.tif` and `.png` per zone.
package struct ExportMapsParameters: Sendable, Equatable {
    static let keys: [ConfigKey] = [
        .required("input_folder_key", "str", "The folder key of the input patches."),
        .required("output_folder_key", "str", "The folder key of the maps."),
        .required("feature", "Tuple[FeatureType, str]", "The feature to export."),
        .optional("band_indices", "Optional[List[int]]", default: "null", "Channels to export."),
        .required("map_name", "str", "The map file name (.tif or .tiff)."),
        .optional("map_dtype", "str", default: "\"float32\"", "The map data type."),
        .optional("no_data_value", "Optional[float]", default: "null", "The maps' nodata value."),
        ConfigKey.optional("time_index", "int", default: "-1", "The time frame of temporal features.").grow,
        .optional("cogify", "bool", default: "true", "Write Cloud-Optimized GeoTIFFs."),
        ConfigKey.optional("quicklook", "str", default: "\"gray\"", "none, gray or ndvi.").grow,
    ]

    package enum Quicklook: String, Sendable, Equatable, CaseIterable {
        case none, gray, ndvi
    }

    package var inputFolderKey: String
    package var outputFolderKey: String
    package var feature: FeatureRef
    package var bandIndices: [Int]?
    package var mapName: String
    package var dtype: RasterDataType
    package var noDataValue: Double?
    /// For temporal features: which time frame (negative counts from the end).
    package var timeIndex: Int
    package var cogify: Bool
    package var quicklook: Quicklook

    init(_ reader: inout ParameterReader) throws(JobSpecError) {
        inputFolderKey = try reader.string("input_folder_key")
        outputFolderKey = try reader.string("output_folder_key")
        feature = try reader.feature("feature", types: [.data, .dataTimeless, .mask, .maskTimeless])
        bandIndices = try reader.integers("band_indices", in: 0...10_000)
        mapName = try reader.string("map_name")
        guard mapName.hasSuffix(".tif") || mapName.hasSuffix(".tiff"), FeatureRef.isValidName(mapName) else {
            throw reader.fail("map_name", "expected a file name ending in .tif, got \(JSONValue.quote(mapName))")
        }
        dtype =
            RasterDataType(
                rawValue: try reader.choice("map_dtype", RasterDataType.allCases.map(\.rawValue), default: "float32"))
            ?? .float32
        noDataValue = try reader.optionalNumber("no_data_value", "a number") { $0.isFinite }
        timeIndex = try reader.integer("time_index", default: -1, in: -100_000...100_000)
        cogify = try reader.bool("cogify", default: true)
        quicklook =
            Quicklook(rawValue: try reader.choice("quicklook", Quicklook.allCases.map(\.rawValue), default: "gray"))
            ?? .gray
    }

    /// `ndvi` for `ndvi.tif`.
    package var mapStem: String { (mapName as NSString).deletingPathExtension }
}
