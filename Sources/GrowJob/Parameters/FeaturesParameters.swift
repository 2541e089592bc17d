/// `"pipeline": "features"`: normalized difference indices and a valid-data mask per tile.
///
///     "input_folder_key": "data", "output_folder_key": "features",
///     "bands_feature_name": "BANDS", "ndis": {"NDVI": [3, 2], "NDWI": [1, 3]},
///     "valid_data_feature_name": "IS_DATA", "cloud_mask_feature_name": "CLM",
///     "output_feature_name": "FEATURES", "interpolation": "linear"
///
/// Writes `data/<index>` (T×H×W×1 float32) for every index, `mask/VALID_DATA`, and
/// `data/<output_feature_name>`: the bands followed by the indices (as eo-grow's FEATURES).
package struct FeaturesParameters: Sendable, Equatable {
    static let keys: [ConfigKey] = [
        .required("input_folder_key", "str", "The folder key of the input patches."),
        .required("output_folder_key", "str", "The folder key of the output patches."),
        .optional("bands_feature_name", "str", default: "\"BANDS\"", "The DATA feature holding the bands."),
        .required(
            "ndis", "Dict[str, Tuple[int, int]]",
            "Indices to compute: name -> [channel a, channel b] for (a - b) / (a + b)."),
        ConfigKey.optional(
            "valid_data_feature_name", "str", default: "\"IS_DATA\"", "The MASK feature of valid pixels."
        ).grow,
        ConfigKey.optional("cloud_mask_feature_name", "Optional[str]", default: "null", "The MASK feature of clouds.")
            .grow,
        .optional(
            "output_feature_name", "str", default: "\"FEATURES\"",
            "The DATA feature written: the bands, then the indices."),
        ConfigKey.optional(
            "interpolation", "Literal['none', 'linear']", default: "\"none\"",
            "Fill invalid observations from their neighbours in time."
        ).grow,
        ConfigKey.optional("compress_level", "int", default: "0", "gzip level of the written features.").grow,
    ]

    package struct Index: Sendable, Equatable {
        package var name: String
        /// Channels of the bands feature: (first − second) / (first + second).
        package var first: Int
        package var second: Int
    }

    package var inputFolderKey: String
    package var outputFolderKey: String
    package var bandsFeatureName: String
    package var indices: [Index]
    package var validDataFeatureName: String?
    package var cloudMaskFeatureName: String?
    package var outputFeatureName: String?
    /// Fill invalid observations by linear interpolation in time before writing.
    package var interpolate: Bool
    package var compressLevel: Int

    init(_ reader: inout ParameterReader) throws(JobSpecError) {
        inputFolderKey = try reader.string("input_folder_key")
        outputFolderKey = try reader.string("output_folder_key")
        bandsFeatureName = try reader.string("bands_feature_name", default: "BANDS")
        guard case .object(let members)? = reader.value("ndis"), !members.isEmpty else {
            throw reader.fail(
                "ndis", "missing; expected e.g. {\"NDVI\": [3, 2]} (channel indices of the bands feature)")
        }
        var nested = reader.nested(members, at: "ndis", keys: nil)
        var indices: [Index] = []
        // In the config's order: FEATURES holds the bands, then the indices in this order.
        for name in members.keys {
            guard FeatureRef.isValidName(name) else { throw nested.fail(name, "cannot be a feature name") }
            guard let pair = try nested.integers(name, count: 2, in: 0...10_000) else {
                throw nested.fail(name, "expected [first, second] channel indices")
            }
            indices.append(Index(name: name, first: pair[0], second: pair[1]))
        }
        self.indices = indices
        validDataFeatureName = try reader.optionalString("valid_data_feature_name") ?? "IS_DATA"
        cloudMaskFeatureName = try reader.optionalString("cloud_mask_feature_name")
        outputFeatureName = try reader.string("output_feature_name", default: "FEATURES")
        let interpolation = try reader.choice("interpolation", ["none", "linear"], default: "none")
        interpolate = interpolation == "linear"
        compressLevel = try reader.integer("compress_level", default: 0, in: 0...9)
    }
}
