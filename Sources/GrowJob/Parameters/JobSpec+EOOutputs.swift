extension JobSpec {
    /// The key (under the project folder) whose presence means a tile's result is complete:
    /// an EOPatch's `bbox.geojson` (written last), an exported map, the merged samples' index.
    /// `skip_existing` checks it; nil for the non-EO pipelines.
    package func eoOutputKey(forTile index: UInt32) -> String? {
        guard let eo, let folder = folder(forKey: eo.outputFolderKey) else { return nil }
        let tile = tiles.name(of: index)
        switch eo {
        case .exportMaps(let parameters):
            return "\(folder)/\(parameters.mapStem)/tiles/\(tile).tif"
        case .mergeSamples:
            return "\(folder)/\(EOFileNames.samplesIndex)"
        default:
            return "\(folder)/\(tile)/\(EOFileNames.bbox)"
        }
    }
}

/// Names of the files that mark an EO result complete, shared by the pipelines that write them and
/// by `skip_existing`, which looks for them.
package enum EOFileNames {
    /// An EOPatch's bounding box, written last: its presence means the patch is whole.
    package static let bbox = "bbox.geojson"
    /// The merged samples' index, written after every merged file.
    package static let samplesIndex = "samples-index.json"
}
