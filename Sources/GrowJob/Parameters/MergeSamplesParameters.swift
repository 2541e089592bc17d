/// `eogrow.pipelines.merge_samples.MergeSamplesPipeline` (grow: `"pipeline": "merge_samples"`):
/// the samples of every patch of the patch list joined into one `.npy` per feature, patches in
/// the list's order. Runs as a job of one tile, `merged`.
///
///     "input_folder_key": "samples", "output_folder_key": "training",
///     "features_to_merge": [["data", "FEATURES"], ["mask_timeless", "LULC"]],
///     "id_filename": "PATCH_IDS", "suffix": "v1", "num_threads": 4
///
/// Writes `<feature name>[_<suffix>].npy` (temporal T×N×1×C → N×T×C, timeless N×1×C → N×C;
/// float64 becomes float32, other dtypes stay) and, with `id_filename`, `<id_filename>[_<suffix>].npy`:
/// each row's patch as its position in the patch list (uint32).
package struct MergeSamplesParameters: Sendable, Equatable {
    static let keys: [ConfigKey] = [
        .required("input_folder_key", "str", "The folder key of the sampled patches."),
        .required("output_folder_key", "str", "The folder key the merged arrays are written under."),
        .required(
            "features_to_merge", "List[Tuple[FeatureType, str]]",
            "The sampled features to join, each into <name>[_<suffix>].npy."),
        .optional(
            "id_filename", "Optional[str]", default: "null",
            "When set, also writes <id_filename>[_<suffix>].npy: for every row, its patch's position in the patch list (uint32)."
        ),
        .optional("suffix", "str", default: "\"\"", "When not empty, appended to every file name after an underscore."),
        .optional("num_threads", "int", default: "1", "Patches read at the same time."),
        ConfigKey.optional(
            "patches", "Optional[List[str]]", default: "null",
            "The patches to merge, in order; grow fills it from area (or tiles) and test_subset. Without either: every patch in the input folder, by name."
        ).grow,
    ]

    /// The job's one tile.
    package static let tileName = "merged"

    package var inputFolderKey: String
    package var outputFolderKey: String
    package var features: [FeatureRef]
    package var idFilename: String?
    package var suffix: String
    package var threads: Int
    /// nil: every complete patch in the input folder, in name order.
    package var patches: [String]?

    init(_ reader: inout ParameterReader) throws(JobSpecError) {
        inputFolderKey = try reader.string("input_folder_key")
        outputFolderKey = try reader.string("output_folder_key")
        guard let features = try reader.features("features_to_merge") else {
            throw reader.fail(
                "features_to_merge", "missing; expected a list of features, e.g. [[\"data\", \"FEATURES\"]]")
        }
        self.features = features
        suffix = ""
        if let value = reader.value("suffix") { suffix = try reader.string(value, at: reader.path("suffix")) }
        // eo-grow skips the id file for an empty name, as for none.
        idFilename = nil
        if let value = reader.value("id_filename") {
            let name = try reader.string(value, at: reader.path("id_filename"))
            idFilename = name.isEmpty ? nil : name
        }
        threads = try reader.integer("num_threads", default: 1, in: 1...256)
        patches = try reader.strings("patches")
        for file in self.files where !FeatureRef.isValidName(file) {
            throw reader.fail(
                file.hasPrefix(idFilename ?? "\u{0}") ? "id_filename" : "suffix",
                "\(JSONValue.quote(file)) cannot be a file name")
        }
        let names = self.files
        for (position, name) in names.enumerated() where names[..<position].contains(name) {
            throw reader.fail("features_to_merge", "two arrays would both be written as \(name)")
        }
    }

    /// `FEATURES_v1.npy` for `FEATURES` and suffix `v1`, `FEATURES.npy` without a suffix.
    package func fileName(_ name: String) -> String {
        (suffix.isEmpty ? name : "\(name)_\(suffix)") + ".npy"
    }

    /// Every file the merge writes, features first, then the ids.
    package var files: [String] {
        features.map { fileName($0.name) } + (idFilename.map { [fileName($0)] } ?? [])
    }
}
