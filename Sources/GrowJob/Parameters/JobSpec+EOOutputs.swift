extension JobSpec {
    /// The key (under the project folder) whose presence means a tile's result is complete: an
    /// EOPatch's `bbox.geojson` (written last). `skip_existing` checks it; nil for the non-EO
    /// pipelines and for merge_samples and export_maps, which combine every patch and so refuse
    /// `skip_existing` (as eo-grow does).
    package func eoOutputKey(forTile index: UInt32) -> String? {
        guard let eo, let folder = folder(forKey: eo.outputFolderKey) else { return nil }
        switch eo {
        case .exportMaps, .mergeSamples:
            return nil
        default:
            return "\(folder)/\(tiles.name(of: index))/\(EOFileNames.bbox)"
        }
    }
}

extension JobSpec {
    /// For the sampling pipelines, what eo-grow's `skip_existing` checks: every written feature
    /// (as `.npy` or `.npy.gz`), `bbox.geojson`, and `timestamps.json` when a feature is temporal.
    /// Each entry lists a file's possible keys. nil for the other pipelines (`eoOutputKey`).
    package func eoOutputFiles(forTile index: UInt32) -> [[String]]? {
        guard case .sampling(let parameters)? = eo, let folder = folder(forKey: parameters.outputFolderKey) else {
            return nil
        }
        let patch = "\(folder)/\(tiles.name(of: index))/"
        let features = parameters.sampledFeatures.map(\.output) + (parameters.maskOfSamples.map { [$0] } ?? [])
        var files = features.map { feature in
            ["npy", "npy.gz"].map { patch + "\(feature.kind.rawValue)/\(feature.name).\($0)" }
        }
        files.append([patch + EOFileNames.bbox])
        if features.contains(where: { $0.kind.isTemporal }) { files.append([patch + "timestamps.json"]) }
        return files
    }
}

/// Names of the files that mark an EO result complete, shared by the pipelines that write them and
/// by `skip_existing`, which looks for them.
package enum EOFileNames {
    /// An EOPatch's bounding box, written last: its presence means the patch is whole.
    package static let bbox = "bbox.geojson"
}
