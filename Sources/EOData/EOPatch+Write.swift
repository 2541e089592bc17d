import GrowJob
import ProjectStorage

extension EOPatch {
    /// What a write does with files already in the folder.
    package enum Overwrite: Sendable {
        /// eo-learn's `OVERWRITE_FEATURES` (what eo-grow's pipelines use): the patch's features
        /// replace files of the same name (also a `.npy` where a `.npy.gz` is written and the
        /// reverse); other features already there stay.
        case features
        /// eo-learn's `OVERWRITE_PATCH`: afterwards the folder holds exactly this patch; every
        /// other file in it is deleted (also ones grow does not read, such as vector features).
        case patch
    }

    /// Writes the patch into `folder` in eo-learn's layout, all or nothing at the patch level:
    ///
    /// 1. the patch is checked first (names, ranks, mask dtypes, time axis), nothing is touched
    ///    when it would not load in eo-learn;
    /// 2. an existing `bbox.geojson` is deleted first, so from here on the folder is not complete;
    /// 3. every feature file, meta info and `timestamps.json` is written (each write is atomic);
    /// 4. files the new patch replaces are deleted (see `Overwrite`);
    /// 5. `bbox.geojson` is written last: the commit marker `isComplete` checks.
    ///
    /// A write that fails or is killed anywhere in 2-4 leaves `isComplete == false`.
    /// `compress` writes `.npy.gz` and `.json.gz` (eo-learn 1.5 always compresses; it reads both).
    package func write(
        to storage: any ProjectStore, folder: String, compress: Bool = false, overwrite: Overwrite = .features
    ) throws {
        let folder = try Self.normalized(folder, storage)
        let problems = problems()
        if let first = problems.first {
            let more =
                problems.count > 1 ? " (and \(problems.count - 1) more problem\(problems.count > 2 ? "s" : ""))" : ""
            throw EODataError(Self.location(storage, folder), "cannot write this EOPatch: \(first)\(more)")
        }
        let timestampsText = try EOPatchTimestamps.encode(timestamps, location: Self.location(storage, folder))
        let existing = try Self.listRelative(storage, folder)
        let existingSet = Set(existing)
        if overwrite == .features {
            // eo-learn refuses a feature whose name differs only in case from a stored one.
            for (type, name) in features {
                for key in existing {
                    guard let (otherType, otherName) = Self.feature(ofFile: key), otherType == type, otherName != name,
                        otherName.lowercased() == name.lowercased()
                    else { continue }
                    throw EODataError(
                        Self.location(storage, folder + "/" + key),
                        "differs only in case from feature \(type.rawValue)/\(name) being written; eo-learn refuses that"
                    )
                }
            }
        }

        // 2. Un-commit.
        for marker in [EOPatchLayout.bboxFile, EOPatchLayout.bboxFile + ".gz"] where existingSet.contains(marker) {
            try storage.delete(folder + "/" + marker)
        }

        // 3. Features, one encoded file in memory at a time.
        var written: Set<String> = []
        for (type, name) in features {
            let file = EOPatchLayout.file(type, name, compress: compress)
            let key = folder + "/" + file
            let bytes: [UInt8]
            if type == .metaInfo {
                let text = Array((metaInfo[name] ?? .null).canonicalText.utf8)
                bytes = compress ? try Self.gzip(text, location: Self.location(storage, key)) : text
            } else if let array = self[type, name] {
                bytes =
                    compress
                    ? try NpyCodec.encode(gzip: array, location: Self.location(storage, key)) : NpyCodec.encode(array)
            } else {
                continue
            }
            try storage.write(key, bytes: bytes)
            written.insert(file)
        }
        // As eo-learn's SaveTask: with a temporal feature, when the patch has timestamps (a
        // temporal feature of no frames has an empty list of them).
        let temporal = features.filter { $0.0.isTemporal }.compactMap { self[$0.0, $0.1] }
        let writesTimestamps = !temporal.isEmpty && (!timestamps.isEmpty || temporal.contains { $0.shape.first == 0 })
        if writesTimestamps {
            try storage.write(folder + "/" + EOPatchLayout.timestampsFile, bytes: Array(timestampsText.utf8))
            written.insert(EOPatchLayout.timestampsFile)
        }

        // 4. Files the new patch replaces.
        for key in existing where !written.contains(key) && !key.hasPrefix(EOPatchLayout.bboxFile) {
            let stale: Bool
            switch overwrite {
            case .patch:
                stale = true
            case .features:
                let (stem, _) = EOPatchLayout.splitExtensions(key)
                if let (type, name) = Self.feature(ofFile: key) {
                    // The same feature under another extension (.npy vs .npy.gz).
                    stale = type == .metaInfo ? metaInfo[name] != nil : self[type, name] != nil
                } else if stem == "timestamp" || stem == "timestamps" {
                    // eo-learn before 1.5 named it timestamp.json; one timestamps file per patch.
                    stale = writesTimestamps
                } else {
                    // eo-learn before 1.5 kept all meta info in one meta_info.json.
                    stale = stem == "meta_info" && !metaInfo.isEmpty
                }
            }
            if stale { try storage.delete(folder + "/" + key) }
        }

        // 5. Commit.
        try storage.write(folder + "/" + EOPatchLayout.bboxFile, bytes: Array(bbox.geoJSON.utf8))
    }

    /// (type, name) when `file` (relative to the patch folder) is a feature file eo-learn reads.
    static func feature(ofFile file: String) -> (FeatureType, String)? {
        let listing = EOPatchLayout.parse([file])
        for (type, names) in listing.features {
            if let name = names.keys.first { return (type, name) }
        }
        return nil
    }

    private static func gzip(_ bytes: [UInt8], location: String) throws -> [UInt8] {
        try bytes.withUnsafeBytes { raw in try GzipWriter.compress([raw], location: location) }
    }
}
