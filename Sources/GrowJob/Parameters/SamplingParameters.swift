/// `"pipeline": "sampling"`: pixels sampled per tile, reproducibly (the seed and the tile's
/// name fix the draw).
///
///     "input_folder_key": "features", "output_folder_key": "samples",
///     "features": [["data", "FEATURES"], ["mask_timeless", "LULC"]],
///     "sampling": {"type": "fraction", "fraction": 0.05}
///              | {"type": "block", "number_of_samples": 20, "sample_size": [5, 5]}
///              | {"type": "grid", "sample_size": [1, 1], "stride": [10, 10]},
///     "valid_data_feature": ["mask", "VALID_DATA"], "seed": 42,
///     "mask_of_samples_name": "MASK_OF_SAMPLES"
///
/// Sampled temporal features become T×N×1×C, timeless ones N×1×C (eo-learn's layout for
/// sampled pixels); `mask_timeless/<mask_of_samples_name>` marks the sampled pixels.
package struct SamplingParameters: Sendable, Equatable {
    static let keys: [ConfigKey] = [
        ConfigKey.required("input_folder_key", "str", "The folder key of the input patches.").grow,
        .required("output_folder_key", "str", "The folder key of the output patches."),
        ConfigKey.required("features", "List[Tuple[FeatureType, str]]", "The features to sample.").grow,
        .required(
            "sampling", "SamplingSchema", "How to sample.",
            keys: [
                .required("type", "str", "fraction, block or grid."),
                .optional("fraction", "float", default: "null", "For fraction."),
                .optional("number_of_samples", "int", default: "null", "For block."),
                .optional("sample_size", "Tuple[int, int]", default: "[1, 1]", "For block and grid."),
                .optional("stride", "Tuple[int, int]", default: "null", "For grid."),
            ]),
        ConfigKey.optional(
            "valid_data_feature", "Optional[Tuple[FeatureType, str]]", default: "null", "The MASK of valid pixels."
        ).grow,
        .optional("seed", "int", default: "42", "The random seed."),
        .optional("mask_of_samples_name", "str", default: "\"MASK_OF_SAMPLES\"", "The mask of sampled pixels."),
        ConfigKey.optional("compress_level", "int", default: "0", "gzip level.").grow,
    ]

    package enum Method: Sendable, Equatable {
        case fraction(Double)
        case block(count: Int, height: Int, width: Int)
        case grid(height: Int, width: Int, strideY: Int, strideX: Int)
    }

    package var inputFolderKey: String
    package var outputFolderKey: String
    package var features: [FeatureRef]
    package var method: Method
    package var validDataFeature: FeatureRef?
    package var seed: UInt64
    package var maskOfSamplesName: String
    package var compressLevel: Int

    init(_ reader: inout ParameterReader) throws(JobSpecError) {
        inputFolderKey = try reader.string("input_folder_key")
        outputFolderKey = try reader.string("output_folder_key")
        guard let features = try reader.features("features") else {
            throw reader.fail("features", "missing; expected a list of features, e.g. [[\"data\", \"FEATURES\"]]")
        }
        self.features = features
        guard var sampling = try reader.object("sampling") else {
            throw reader.fail("sampling", "missing; expected {\"type\": \"fraction\" | \"block\" | \"grid\", ...}")
        }
        switch try sampling.choice("type", ["fraction", "block", "grid"]) {
        case "fraction":
            method = .fraction(try sampling.number("fraction", "a fraction in (0, 1]") { $0 > 0 && $0 <= 1 })
        case "block":
            let count = try sampling.integer("number_of_samples", in: 1...10_000_000)
            let size = try sampling.integers("sample_size", count: 2, in: 1...100_000) ?? [1, 1]
            method = .block(count: count, height: size[0], width: size[1])
        default:
            let size = try sampling.integers("sample_size", count: 2, in: 1...100_000) ?? [1, 1]
            guard let stride = try sampling.integers("stride", count: 2, in: 1...100_000) else {
                throw sampling.fail("stride", "missing; expected [rows, columns] between samples")
            }
            method = .grid(height: size[0], width: size[1], strideY: stride[0], strideX: stride[1])
        }
        try sampling.finish()
        validDataFeature =
            try reader.optionalFeature("valid_data_feature", types: [.mask])
        seed = UInt64(try reader.integer("seed", default: 42, in: 0...(1 << 53)))
        maskOfSamplesName = try reader.string("mask_of_samples_name", default: "MASK_OF_SAMPLES")
        compressLevel = try reader.integer("compress_level", default: 0, in: 0...9)
    }
}
