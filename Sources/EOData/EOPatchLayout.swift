import GrowJob

/// Where each part of an EOPatch lives inside its folder, as eo-learn 1.5 lays it out, and what
/// a folder listing holds. Pure: keys in, file names out.
///
///     bbox.geojson                 the bounding box (grow writes it last: the commit marker)
///     timestamps.json              ISO 8601 times (eo-learn before 1.5: timestamp.json)
///     data/NAME.npy[.gz]           one file per array feature, in a folder per feature type
///     meta_info/NAME.json[.gz]     one JSON file per meta info entry (before 1.5: meta_info.json)
package enum EOPatchLayout {
    package static let bboxFile = EOFileNames.bbox
    static let timestampsFile = "timestamps.json"

    /// `data/BANDS.npy` or `data/BANDS.npy.gz`; `meta_info/NAME.json[.gz]`.
    static func file(_ type: FeatureType, _ name: String, compress: Bool) -> String {
        let extensionName = type == .metaInfo ? ".json" : ".npy"
        return type.rawValue + "/" + name + extensionName + (compress ? ".gz" : "")
    }

    /// What a patch folder holds, from the keys under it (relative to the folder).
    struct Listing: Equatable {
        /// `bbox.geojson`, or eo-learn 1.0-1.4's compressed `bbox.geojson.gz`.
        var bbox: String?
        /// `timestamps.json`, else eo-learn 1.0-1.4's `timestamp.json[.gz]`.
        var timestamps: String?
        /// eo-learn 1.0-1.4's single `meta_info.json[.gz]` holding every entry.
        var oldMetaInfo: String?
        /// Feature type → name → file (relative key).
        var features: [FeatureType: [String: String]] = [:]
        /// Every relative key this listing recognised as part of the patch.
        var known: Set<String> = []
    }

    static func parse(_ keys: [String]) -> Listing {
        var listing = Listing()
        var oldTimestamps: String?
        // Sorted so that when both NAME.npy and NAME.npy.gz exist, the same one (.gz) always wins.
        for key in keys.sorted() {
            let parts = key.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 1 {
                let (stem, extensions) = splitExtensions(String(parts[0]))
                let json = extensions == ".json" || extensions == ".json.gz"
                if stem == "bbox", extensions == ".geojson" || extensions == ".geojson.gz" {
                    if listing.bbox == nil || extensions == ".geojson" { listing.bbox = key }
                } else if stem == "timestamps", json {
                    listing.timestamps = key
                } else if stem == "timestamp", json {
                    oldTimestamps = key
                } else if stem == "meta_info", json {
                    listing.oldMetaInfo = key
                } else {
                    continue
                }
                listing.known.insert(key)
            } else if parts.count == 2, let type = FeatureType(rawValue: String(parts[0])) {
                let (name, extensions) = splitExtensions(String(parts[1]))
                let expected = type == .metaInfo ? ".json" : ".npy"
                guard !name.isEmpty, extensions == expected || extensions == expected + ".gz" else { continue }
                listing.features[type, default: [:]][name] = key
                listing.known.insert(key)
            }
        }
        if listing.timestamps == nil { listing.timestamps = oldTimestamps }
        return listing
    }

    /// Python's `Path(name).suffixes` joined, as eo-learn splits names: `BANDS.npy.gz` →
    /// (`BANDS`, `.npy.gz`); leading dots belong to the stem; a name ending in `.` has none.
    static func splitExtensions(_ name: String) -> (stem: String, extensions: String) {
        if name.hasSuffix(".") { return (name, "") }
        let leadingDots = name.prefix { $0 == "." }.count
        let rest = name.dropFirst(leadingDots)
        guard let dot = rest.firstIndex(of: ".") else { return (name, "") }
        return (String(name[..<dot]), String(name[dot...]))
    }

    /// Why eo-learn could not store a feature under this name, or nil when it can.
    static func problem(withName name: String) -> String? {
        if name.isEmpty { return "a feature name must not be empty" }
        if name.contains("/") || name.contains("\\") { return "feature name '\(name)' contains a path separator" }
        if name.contains(".") {
            return "feature name '\(name)' contains '.', which eo-learn cuts off as a file extension"
        }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            return "feature name '\(name.debugDescription)' contains a control character"
        }
        return nil
    }
}
