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

extension JobSpec {
    /// `planTiles` against the project's storage: one listing of the output folder instead of a
    /// check per tile, so `skip_existing` over thousands of tiles in S3 costs a few requests.
    /// Jobs without EO outputs fall back to the local file check of `output`.
    public func planTilesInStorage(job: UInt32) throws -> TilePlan {
        guard eo != nil, skipExisting, let projectFolder, let eo, let folder = folder(forKey: eo.outputFolderKey) else {
            return planTiles(job: job)
        }
        let storage = try Storage.open(projectFolder, settings: storageSettings)
        let existing = Set(try storage.list(prefix: folder + "/").map(\.key))
        let root = projectFolder.hasSuffix("/") ? projectFolder : projectFolder + "/"
        return planTiles(job: job) { path in
            path.hasPrefix(root) && existing.contains(String(path.dropFirst(root.count)))
        }
    }
}
