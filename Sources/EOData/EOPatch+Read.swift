import Foundation
import GrowJob
import ProjectStorage

extension EOPatch {
    /// Largest JSON file (bbox, timestamps, meta info) inflated from gzip.
    static let maxJSONBytes = 64 << 20

    /// Reads the patch in `folder` (a key relative to the project folder, e.g.
    /// `data/eopatch-id-0-col-0-row-0`): the bbox, timestamps, and every feature, or only the
    /// `features` given (bbox and timestamps are always read). One listing, then one read per file.
    ///
    /// Throws `EODataError` for a missing or malformed patch part or a missing requested
    /// feature, `EODataError` for a broken array file, `StorageError` when the storage fails.
    package static func read(
        from storage: any ProjectStore, folder: String, features: [(FeatureType, String)]? = nil
    ) throws -> EOPatch {
        let folder = try normalized(folder, storage)
        let listing = EOPatchLayout.parse(try listRelative(storage, folder))
        guard let bboxFile = listing.bbox else {
            if listing.known.isEmpty {
                throw EODataError(location(storage, folder), "no EOPatch here (no bbox.geojson and no feature files)")
            }
            throw EODataError(
                location(storage, folder + "/" + EOPatchLayout.bboxFile),
                "missing: the patch is not completely written (bbox.geojson is written last)")
        }
        var patch = EOPatch(
            bbox: try BBox.parse(
                geoJSON: try text(storage, folder, bboxFile), location: location(storage, folder + "/" + bboxFile)))
        if let timestampsFile = listing.timestamps {
            patch.timestamps = try EOPatchTimestamps.decode(
                try text(storage, folder, timestampsFile), location: location(storage, folder + "/" + timestampsFile))
        }

        let wanted: [(FeatureType, String)]
        if let features {
            for (type, name) in features where type != .metaInfo || listing.oldMetaInfo == nil {
                guard listing.features[type]?[name] != nil else {
                    let present = (listing.features[type] ?? [:]).keys.sorted()
                    throw EODataError(
                        location(storage, folder),
                        "no feature \(type.rawValue)/\(name) in this patch (\(type.rawValue) has: \(present.isEmpty ? "nothing" : present.joined(separator: ", ")))"
                    )
                }
            }
            wanted = features
        } else {
            wanted = FeatureType.allCases.flatMap { type in
                (listing.features[type] ?? [:]).keys.sorted().map { (type, $0) }
            }
        }

        // Meta info from before eo-learn 1.5 is one file; per-entry files (1.5) win over it.
        if let oldMetaInfo = listing.oldMetaInfo, features == nil || wanted.contains(where: { $0.0 == .metaInfo }) {
            let oldLocation = location(storage, folder + "/" + oldMetaInfo)
            guard case .object(let members) = try json(try text(storage, folder, oldMetaInfo), location: oldLocation)
            else {
                throw EODataError(oldLocation, "expected a JSON object of meta info entries")
            }
            for (name, value) in members
            where features == nil || wanted.contains(where: { $0.0 == .metaInfo && $0.1 == name }) {
                patch.metaInfo[name] = value
            }
        }
        for (type, name) in wanted {
            guard let file = listing.features[type]?[name] else {
                // Only meta info from the old single file gets here (checked above).
                if patch.metaInfo[name] == nil {
                    throw EODataError(location(storage, folder), "no feature meta_info/\(name) in this patch")
                }
                continue
            }
            let key = folder + "/" + file
            if type == .metaInfo {
                patch.metaInfo[name] = try json(try text(storage, folder, file), location: location(storage, key))
            } else {
                let bytes = try storage.read(key)
                patch[type, name] = try NpyCodec.decode(
                    bytes, location: location(storage, key), gzip: file.hasSuffix(".gz"))
            }
        }
        return patch
    }

    /// Whether `folder` holds a completely written patch: its `bbox.geojson` exists. grow writes
    /// it after every other file and removes it before changing a patch, so a patch whose write
    /// was interrupted is never complete (eo-grow's `skip_existing` uses this).
    /// eo-learn 1.0-1.4's compressed `bbox.geojson.gz` counts too.
    package static func isComplete(in storage: any ProjectStore, folder: String) throws -> Bool {
        let folder = try normalized(folder, storage)
        return try storage.exists(folder + "/" + EOPatchLayout.bboxFile)
            || storage.exists(folder + "/" + EOPatchLayout.bboxFile + ".gz")
    }

    // MARK: - Helpers shared with writing

    /// The folder key without surrounding slashes; refuses the project root itself.
    static func normalized(_ folder: String, _ storage: any ProjectStore) throws -> String {
        var trimmed = Substring(folder)
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if trimmed.isEmpty || trimmed.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) {
            throw EODataError(
                storage.root, "EOPatch folder '\(folder)' must be a relative path below the project folder")
        }
        return String(trimmed)
    }

    /// How errors name a key: the project folder joined with it (`s3://bucket/p/data/x/bbox.geojson`).
    static func location(_ storage: any ProjectStore, _ key: String) -> String {
        storage.root.hasSuffix("/") ? storage.root + key : storage.root + "/" + key
    }

    /// Keys under the folder, relative to it.
    static func listRelative(_ storage: any ProjectStore, _ folder: String) throws -> [String] {
        let prefix = folder + "/"
        return try storage.list(prefix: prefix).map { String($0.key.dropFirst(prefix.count)) }
    }

    /// A small JSON file as text, inflated first when it ends in `.gz`.
    private static func text(_ storage: any ProjectStore, _ folder: String, _ file: String) throws -> String {
        let key = folder + "/" + file
        var bytes = try storage.read(key)
        if file.hasSuffix(".gz") {
            do throws(EODataError) {
                bytes = try Inflater.inflateAll(bytes, location: location(storage, key), limit: maxJSONBytes)
            } catch {
                throw EODataError(error.location, error.message)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw EODataError(location(storage, key), "not UTF-8 text")
        }
        return text
    }

    private static func json(_ text: String, location: String) throws(EODataError) -> JSONValue {
        do throws(JSONParser.Failure) {
            return try JSONParser.parse(text)
        } catch {
            throw EODataError(location, "not valid JSON: \(error.message)")
        }
    }
}
