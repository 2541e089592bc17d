import GrowBase

/// An `area` section to be resolved into its grid, with what resolving needs from the rest of
/// the config: where the project is (a relative AOI lives in its `input_data` folder, the grid's
/// cache in its `cache` folder) and how to reach its store.
package struct AreaRequest: Sendable, Equatable {
    package var settings: AreaSettings
    /// nil only with an absolute AOI path or URL.
    package var projectFolder: ProjectLocation?
    package var inputFolder: String
    package var cacheFolder: String
    package var storageSettings: StorageSettings
}

/// Resolves an area into its grid (reads the AOI, splits it, caches the grid). The client passes
/// one to `JobSpec.parse`; it throws errors that become `area.area_of_interest.filename: ...`.
package typealias AreaResolving = @Sendable (AreaRequest) throws -> AreaGrid
