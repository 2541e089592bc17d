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

/// Names of the files that mark an EO result complete, shared by the pipelines that write them and
/// by `skip_existing`, which looks for them.
package enum EOFileNames {
    /// An EOPatch's bounding box, written last: its presence means the patch is whole.
    package static let bbox = "bbox.geojson"
}
