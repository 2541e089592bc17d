import GrowBase

/// An `area` section to be resolved into its grid, with what resolving needs from the rest of
/// the config: where the project is (a relative AOI lives in its `input_data` folder, the grid's
/// cache in its `cache` folder) and how to reach its store.
package struct AreaRequest: Sendable, Equatable {
    /// Which of eo-grow's area managers makes the grid.
    package enum Source: Sendable, Equatable {
        /// `UtmZoneAreaManager`: the AOI split into UTM zones and patches.
        case utmZones(AreaSettings)
        /// `CustomGridAreaManager`: patches read from a GeoPackage, one layer per CRS.
        case customGrid(folder: String, filename: String, nameColumn: String)
    }

    /// `patch_names`: a JSON list of the patches to keep.
    package struct PatchList: Sendable, Equatable {
        /// The folder (under the project folder) of the list.
        package var folder: String
        package var filename: String
    }

    package var source: Source
    package var patchNames: PatchList?
    /// nil only with an absolute AOI path or URL.
    package var projectFolder: ProjectLocation?
    package var inputFolder: String
    package var cacheFolder: String
    package var storageSettings: StorageSettings
}

/// Resolves an area into its grid (reads the AOI or the grid file, splits, caches). The client
/// passes one to `JobSpec.parse`; its errors are reported at `area`.
package typealias AreaResolving = @Sendable (AreaRequest) throws -> AreaGrid
