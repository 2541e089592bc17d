/// `"pipeline": "mosaicking"`: one temporal composite per tile over its valid observations.
///
///     "input_folder_key": "features", "output_folder_key": "mosaics",
///     "feature": ["data", "BANDS"], "method": "median" | "mean" | "max_ndvi",
///     "ndvi_bands": [3, 2], "valid_data_feature": ["mask", "VALID_DATA"],
///     "output_feature_name": "MOSAIC"
///
/// Writes `data_timeless/<output_feature_name>` (H×W×C float32; NaN where no valid observation).
package struct MosaickingParameters: Sendable, Equatable {
    static let keys: [ConfigKey] = [
        .required("input_folder_key", "str", "The folder key of the input patches."),
        .required("output_folder_key", "str", "The folder key of the output patches."),
        .required("feature", "Tuple[FeatureType, str]", "The DATA feature to composite."),
        .optional("method", "str", default: "\"median\"", "median, mean or max_ndvi."),
        .optional("ndvi_bands", "Tuple[int, int]", default: "[3, 2]", "NIR and red channels for max_ndvi."),
        .optional(
            "valid_data_feature", "Optional[Tuple[FeatureType, str]]", default: "null", "The MASK of valid pixels."),
        .optional("output_feature_name", "str", default: "\"MOSAIC\"", "The DATA_TIMELESS feature written."),
        EOParameters.compressLevelKey,
    ]

    package enum Method: String, Sendable, Equatable, CaseIterable {
        case median, mean
        case maxNDVI = "max_ndvi"
    }

    package var inputFolderKey: String
    package var outputFolderKey: String
    package var feature: FeatureRef
    package var method: Method
    /// For max_ndvi: the NIR and red channels of `feature`.
    package var nirChannel: Int
    package var redChannel: Int
    package var validDataFeature: FeatureRef?
    package var outputFeatureName: String
    package var compressLevel: Int

    init(_ reader: inout ParameterReader) throws(JobSpecError) {
        inputFolderKey = try reader.string("input_folder_key")
        outputFolderKey = try reader.string("output_folder_key")
        feature = try reader.feature("feature", types: [.data])
        method =
            Method(rawValue: try reader.choice("method", Method.allCases.map(\.rawValue), default: "median")) ?? .median
        let bands = try reader.integers("ndvi_bands", count: 2, in: 0...10_000) ?? [3, 2]
        (nirChannel, redChannel) = (bands[0], bands[1])
        validDataFeature =
            try reader.optionalFeature("valid_data_feature", types: [.mask])
        outputFeatureName = try reader.string("output_feature_name", default: "MOSAIC")
        compressLevel = try reader.compressLevel()
    }
}
