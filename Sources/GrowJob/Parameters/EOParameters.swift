/// The parameters of the built-in EO pipelines (one case per pipeline), read from the config's
/// top-level keys as eo-grow names them, and written back as the same keys.
package enum EOParameters: Sendable, Equatable {
    case importTiff(ImportParameters)
    case features(FeaturesParameters)
    case mosaicking(MosaickingParameters)
    case sampling(SamplingParameters)
    case mergeSamples(MergeSamplesParameters)
    case exportMaps(ExportMapsParameters)

    /// grow's extension of every EO pipeline's schema.
    static let compressLevelKey = ConfigKey.optional(
        "compress_level", "int", default: "1",
        "gzip level of the EOPatch files written (1, as eo-learn writes them; 0 for plain .npy)."
    ).grow

    /// The keys each pipeline reads, beside the keys every job has. `pipelineName` is what the
    /// config's `"pipeline"` says (the sampling classes differ in their keys).
    static func read(_ kind: PipelineKind, pipelineName: String, _ reader: inout ParameterReader)
        throws(JobSpecError) -> EOParameters?
    {
        switch kind {
        case .command, .noop, .sleep, .eogrow: return nil
        case .importTiff: return .importTiff(try ImportParameters(&reader))
        case .features: return .features(try FeaturesParameters(&reader))
        case .mosaickingFeatures: return .features(try FeaturesParameters(&reader, mosaicking: true))
        case .mosaicking: return .mosaicking(try MosaickingParameters(&reader))
        case .sampling: return .sampling(try SamplingParameters(&reader, pipelineName: pipelineName))
        case .mergeSamples: return .mergeSamples(try MergeSamplesParameters(&reader))
        case .exportMaps: return .exportMaps(try ExportMapsParameters(&reader))
        }
    }

    /// The keys each pipeline reads, as `grow-head template` lists them.
    static func keys(for kind: PipelineKind, pipelineName: String) -> [ConfigKey] {
        switch kind {
        case .command, .noop, .sleep, .eogrow: []
        case .importTiff: ImportParameters.keys
        case .features: FeaturesParameters.keys
        case .mosaickingFeatures: FeaturesParameters.mosaickingKeys
        case .mosaicking: MosaickingParameters.keys
        case .sampling: SamplingParameters.keys(method: SamplingParameters.method(ofClass: pipelineName))
        case .mergeSamples: MergeSamplesParameters.keys
        case .exportMaps: ExportMapsParameters.keys
        }
    }

    /// The folder key (of `storage.structure`) each tile writes its result under.
    package var outputFolderKey: String {
        switch self {
        case .importTiff(let p): p.outputFolderKey
        case .features(let p): p.outputFolderKey
        case .mosaicking(let p): p.outputFolderKey
        case .sampling(let p): p.outputFolderKey
        case .mergeSamples(let p): p.outputFolderKey
        case .exportMaps(let p): p.outputFolderKey
        }
    }

    /// The folder keys the pipeline reads from and writes to (all must resolve).
    var folderKeys: [String] {
        switch self {
        case .importTiff(let p): [p.outputFolderKey, p.tiffFolderKey]
        case .features(let p): [p.inputFolderKey, p.outputFolderKey]
        case .mosaicking(let p): [p.inputFolderKey, p.outputFolderKey]
        case .sampling(let p): p.applyTo.map(\.folderKey) + [p.outputFolderKey]
        case .mergeSamples(let p): [p.inputFolderKey, p.outputFolderKey]
        case .exportMaps(let p): [p.inputFolderKey, p.outputFolderKey]
        }
    }
}

/// What `"pipeline"` may say: grow's short names, or eo-grow's class paths for the pipelines
/// grow implements natively.
package enum PipelineNames {
    static let eoGrowClasses: [String: PipelineKind] = [
        "eogrow.pipelines.import_tiff.ImportTiffPipeline": .importTiff,
        "eogrow.pipelines.features.FeaturesPipeline": .features,
        "eogrow.pipelines.features.MosaickingFeaturesPipeline": .mosaickingFeatures,
        "eogrow.pipelines.sampling.FractionSamplingPipeline": .sampling,
        "eogrow.pipelines.sampling.BlockSamplingPipeline": .sampling,
        "eogrow.pipelines.sampling.GridSamplingPipeline": .sampling,
        "eogrow.pipelines.merge_samples.MergeSamplesPipeline": .mergeSamples,
        "eogrow.pipelines.export_maps.ExportMapsPipeline": .exportMaps,
    ]

    static func kind(_ name: String) -> PipelineKind? {
        PipelineKind(rawValue: name) ?? eoGrowClasses[name]
    }

    /// Whether `name` is a class path (`package.module.Class`) grow does not implement natively:
    /// such a config runs through eo-grow itself (`EOGrowTask`).
    package static func isForeignEOGrowClass(_ name: String) -> Bool {
        kind(name) == nil && EOGrowTask.isClassPath(name)
    }

    /// The `"pipeline"` of a config (JSON text) when it names an eo-grow class grow does not
    /// implement natively; nil for grow's own pipelines and for text that is not such a config.
    package static func foreignEOGrowClass(inConfig json: String) -> String? {
        guard case .object(let members)? = try? JSONParser.parse(json), case .string(let name)? = members["pipeline"],
            isForeignEOGrowClass(name)
        else { return nil }
        return name
    }
}
