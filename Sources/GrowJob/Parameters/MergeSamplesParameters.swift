/// `"pipeline": "merge_samples"`: the samples of every tile in the input folder merged into one
/// `.npy` per feature (N×T×C for temporal, N×C for timeless features), with the tile each sample
/// came from in `samples-index.json`. Runs as a job of one tile, `merged`.
///
///     "input_folder_key": "samples", "output_folder_key": "training",
///     "features_to_merge": [["data", "FEATURES"]], "suffix": ""
package struct MergeSamplesParameters: Sendable, Equatable {
    static let keys: [ConfigKey] = [
        .required("input_folder_key", "str", "The folder key of the sampled patches."),
        .required("output_folder_key", "str", "The folder key of the merged arrays."),
        .required("features_to_merge", "List[Tuple[FeatureType, str]]", "The features to merge."),
        .optional("suffix", "str", default: "\"\"", "Appended to the file names."),
    ]

    package var inputFolderKey: String
    package var outputFolderKey: String
    package var features: [FeatureRef]
    package var suffix: String

    init(_ reader: inout ParameterReader) throws(JobSpecError) {
        inputFolderKey = try reader.string("input_folder_key")
        outputFolderKey = try reader.string("output_folder_key")
        guard let features = try reader.features("features_to_merge") else {
            throw reader.fail(
                "features_to_merge", "missing; expected a list of features, e.g. [[\"data\", \"FEATURES\"]]")
        }
        self.features = features
        suffix = reader.value("suffix") == nil ? "" : try reader.string("suffix")
    }
}
