/// eo-grow's `FeaturesPipeline` (grow's name `features`): the bands of each patch and normalized
/// difference indices of them, concatenated into one DATA feature.
///
///     "input_folder_key": "data", "output_folder_key": "features",
///     "bands_feature_name": "BANDS", "output_feature_name": "FEATURES",
///     "data_preparation": {"valid_data_feature_name": "IS_DATA", "cloud_mask_feature_name": "CLM",
///                          "validity_threshold": 0.8},
///     "ndis": {"NDVI": [3, 2], "NDWI": [1, 3]}, "dtype": "float32"
///
/// Writes only `data/<output_feature_name>` (the bands, then the indices in the config's order)
/// and the timestamps of the frames kept, as eo-grow does.
package struct FeaturesParameters: Sendable, Equatable {
    static let dataPreparationKeys: [ConfigKey] = [
        .required("valid_data_feature_name", "str", "The MASK feature of valid pixels."),
        .optional(
            "cloud_mask_feature_name", "Optional[str]", default: "null",
            "A MASK feature of clouds: a pixel counts as valid only where it is 0."),
        .optional(
            "validity_threshold", "Optional[float]", default: "null",
            "Drop the frames whose share of valid pixels is not above this."),
    ]

    static let keys: [ConfigKey] = [
        .required("input_folder_key", "str", "The folder key of the input patches."),
        .required("output_folder_key", "str", "The folder key of the output patches."),
        .required("bands_feature_name", "str", "The DATA feature holding the bands."),
        .required(
            "data_preparation", "ValidityFiltering", "Which frames to keep, by their valid pixels.",
            keys: dataPreparationKeys),
        .optional(
            "ndis", "Dict[str, Tuple[int, int]]", default: "{}",
            "Indices appended to the bands, in this order: name -> [a, b] for (a - b) / (a + b) of band channels."),
        .optional(
            "dtype", "Optional[np.dtype]", default: "null",
            "The dtype of the output feature; by default numpy's common type of the bands and the indices."),
        .required("output_feature_name", "str", "The DATA feature written: the bands, then the indices."),
        ConfigKey.optional(
            "interpolation", "Literal['none', 'linear']", default: "\"none\"",
            "Fill invalid observations from their neighbours in time (bands as float32, before the indices)."
        ).grow,
        EOParameters.compressLevelKey,
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
    package var validDataFeatureName: String
    package var cloudMaskFeatureName: String?
    package var validityThreshold: Double?
    package var indices: [Index]
    package var dtype: NumpyDType?
    package var outputFeatureName: String
    /// Fill invalid observations by linear interpolation in time before the indices.
    package var interpolate: Bool
    /// `MosaickingFeaturesPipeline`'s temporal mosaics, made before the indices.
    package var mosaicking: MosaickingSpecification?
    package var compressLevel: Int

    /// `MosaickingFeaturesPipeline`: the same keys and its `mosaicking` section.
    static let mosaickingKeys: [ConfigKey] =
        keys + [
            .required(
                "mosaicking", "MosaickingSpecifications", "The temporal mosaics made of the kept frames.",
                keys: MosaickingSpecification.keys)
        ]

    init(_ reader: inout ParameterReader, mosaicking: Bool = false) throws(JobSpecError) {
        inputFolderKey = try reader.string("input_folder_key")
        outputFolderKey = try reader.string("output_folder_key")
        bandsFeatureName = try reader.featureName("bands_feature_name")
        guard var preparation = try reader.object("data_preparation") else {
            throw reader.fail("data_preparation", "missing; expected {\"valid_data_feature_name\": \"IS_DATA\", ...}")
        }
        validDataFeatureName = try preparation.featureName("valid_data_feature_name")
        cloudMaskFeatureName = try preparation.optionalFeatureName("cloud_mask_feature_name")
        validityThreshold = try preparation.optionalNumber("validity_threshold", "a number") { $0.isFinite }
        try preparation.finish()
        indices = try Self.readIndices(&reader)
        dtype = try reader.dtype("dtype")
        outputFeatureName = try reader.featureName("output_feature_name")
        interpolate = try reader.choice("interpolation", ["none", "linear"], default: "none") == "linear"
        if mosaicking {
            guard var section = try reader.object("mosaicking") else {
                throw reader.fail("mosaicking", "missing; expected {\"time_period\": [start, end], \"n_mosaics\": N}")
            }
            self.mosaicking = try MosaickingSpecification(&section)
            try section.finish()
        }
        compressLevel = try reader.compressLevel()
    }

    /// `ndis` in the config's order: FEATURES holds the bands, then the indices in this order.
    static func readIndices(_ reader: inout ParameterReader) throws(JobSpecError) -> [Index] {
        guard let value = reader.value("ndis") else { return [] }
        guard case .object(let members) = value else {
            throw reader.fail("ndis", "expected an object like {\"NDVI\": [3, 2]}, got \(value.excerpt)")
        }
        var nested = reader.nested(members, at: "ndis", keys: nil)
        var indices: [Index] = []
        for name in members.keys {
            guard FeatureRef.isValidName(name) else { throw nested.fail(name, "cannot be a feature name") }
            guard let pair = try nested.integers(name, count: 2, in: -10_000...10_000) else {
                throw nested.fail(name, "expected [first, second] channel indices")
            }
            indices.append(Index(name: name, first: pair[0], second: pair[1]))
        }
        return indices
    }
}
