extension JobSpec {
    /// The key (under the project folder) whose presence means a tile's result is complete:
    /// an EOPatch's `bbox.geojson` (written last), an exported map, the merged samples' index.
    /// `skip_existing` checks it; nil for the non-EO pipelines.
    public func eoOutputKey(forTile index: UInt32) -> String? {
        guard let eo, let folder = folder(forKey: eo.outputFolderKey) else { return nil }
        let tile = tiles.name(of: index)
        switch eo {
        case .exportMaps(let parameters):
            return "\(folder)/\(parameters.mapStem)/tiles/\(tile).tif"
        case .mergeSamples:
            return "\(folder)/\(MergeSamplesPipeline.indexFileName)"
        default:
            return "\(folder)/\(tile)/\(EOPatchLayout.bboxFile)"
        }
    }
}
