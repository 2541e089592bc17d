/// `"pipeline": "merge_samples"`: the samples of every tile in the input folder merged into one
/// `.npy` per feature (N×T×C for temporal, N×C for timeless features), with the tile each sample
/// came from in `samples-index.json`. Runs as a job of one tile, `merged`.
///
///     "input_folder_key": "samples", "output_folder_key": "training",
///     "features_to_merge": [["data", "FEATURES"]], "suffix": ""
package struct MergeSamplesParameters: Sendable, Equatable {
    package var inputFolderKey: String
    package var outputFolderKey: String
    package var features: [FeatureRef]
    package var suffix: String

    init(_ reader: inout ParameterReader) throws(JobSpecError) {
        inputFolderKey = try reader.string("input_folder_key")
        outputFolderKey = try reader.string("output_folder_key")
        guard case .array(let items)? = reader.value("features_to_merge"), !items.isEmpty else {
            throw reader.fail(
                "features_to_merge", "missing; expected a list of features, e.g. [[\"data\", \"FEATURES\"]]")
        }
        var features: [FeatureRef] = []
        for (position, item) in items.enumerated() {
            var one = ParameterReader(
                source: reader.source, members: ["feature": item], prefix: reader.path("features_to_merge[\(position)]")
            )
            features.append(try one.feature("feature"))
        }
        self.features = features
        suffix = reader.members["suffix"] == nil ? "" : try reader.string("suffix")
    }
}
