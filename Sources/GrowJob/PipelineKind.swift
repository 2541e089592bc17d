/// What a job's tiles run: a program per tile, the native EO pipelines, or the load generators.
package enum PipelineKind: String, Sendable, CaseIterable, Codable {
    /// Any program, run once per tile with the tile's name and paths in its arguments.
    case command
    /// Does nothing: for measuring the scheduler and the protocol.
    case noop
    /// Sleeps a duration drawn per tile from a distribution: for load tests and benchmarks.
    case sleep
    /// Imagery (one or more scenes, several dates) warped into EOPatches on the tile grid.
    case importTiff = "import"
    /// Normalized difference indices (NDVI, NDWI, ...) and valid-data masks.
    case features
    /// eo-grow's `MosaickingFeaturesPipeline`: the features pipeline over temporal mosaics.
    case mosaickingFeatures = "mosaicking_features"
    /// grow's single composite per tile: median, mean, max-NDVI.
    case mosaicking
    /// Fraction, block or grid samples of pixels, with a seed.
    case sampling
    /// All tiles' samples merged into one file per feature (a single-tile job).
    case mergeSamples = "merge_samples"
    /// A map per tile (COG), then one mosaic per UTM zone and a PNG quicklook.
    case exportMaps = "export_maps"
    /// Any other eo-grow pipeline: one eo-grow execution per tile, run by eo-grow itself in a
    /// Python process on the worker (`EOGrowTask`; the client's driver submits these jobs).
    case eogrow

    /// The native EO pipelines, which read and write EOPatches in a project folder.
    package var isEO: Bool { ![.command, .noop, .sleep, .eogrow].contains(self) }
}
