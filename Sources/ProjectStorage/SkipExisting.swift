import GrowJob

#if canImport(Glibc)
    import Glibc
#endif

extension JobSpec {
    /// eo-grow's `skip_existing`: which selected tiles to run and which already have their
    /// output. EO outputs are found with one listing of the output folder (a few requests for
    /// thousands of tiles in S3); a command job's `output` paths are checked as local files.
    /// Blocking IO: the head runs it off its event loop.
    package func planTilesAgainstExistingOutputs(job: UInt32) throws -> TilePlan {
        guard skipExisting else { return TilePlan(run: selectedTiles, skipped: []) }
        guard let eo, let projectFolder, let folder = folder(forKey: eo.outputFolderKey) else {
            return planTiles(job: job) { path in
                guard ProjectLocation(path)?.isLocal == true else { return false }
                var info = stat()
                return stat(path, &info) == 0
            }
        }
        let store = try projectFolder.openStore(storageSettings)
        let existing = Set(try store.list(prefix: folder + "/").map { projectFolder.location(of: $0.key) })
        return planTiles(job: job) { existing.contains($0) }
    }
}
