/// The whole schema of a config: the keys every pipeline has, then the pipeline's own.
package enum JobSchema {
    /// grow's own load generators and `command` pipeline.
    static let commandKeys: [ConfigKey] = [
        ConfigKey.required(
            "command", "List[str]", "The program and its arguments, run once per tile ({tile}, {tile_index}, ...)."
        ).grow,
        ConfigKey.optional(
            "environment", "Dict[str, str]", default: "{}", "Extra environment variables of the program (templates)."
        ).grow,
    ]
    static let sleepKeys: [ConfigKey] = [
        ConfigKey.required(
            "sleep", "SleepSchema", "How long each tile sleeps: {\"fixed_ms\": 10}, pareto, lognormal or uniform."
        ).grow
    ]

    /// What grow's eo-grow driver writes for the workers (`EOGrowTask`); users do not write it.
    static let eoGrowKeys: [ConfigKey] = [
        ConfigKey.required(
            "eogrow", "EOGrowTask",
            "An eo-grow pipeline's executions, one per tile (written by grow's eo-grow driver).",
            keys: [
                .required("pipeline", "str", "The pipeline's class path."),
                .required("payload", "str", "The executions eo-learn runs, pickled (base64)."),
                .optional("sys_path", "List[str]", default: "[]", "Folders put on the workers' sys.path."),
                .optional("working_directory", "Optional[str]", default: "null", "The driver's working folder."),
            ]
        ).grow
    ]

    /// The keys a config of this pipeline (grow's name or an eo-grow class path) may have; nil
    /// for a pipeline grow does not know.
    package static func keys(for pipelineName: String) -> [ConfigKey]? {
        guard let kind = PipelineNames.kind(pipelineName) else { return nil }
        switch kind {
        case .command: return CommonSchema.keys() + commandKeys
        case .sleep: return CommonSchema.keys() + sleepKeys
        case .noop: return CommonSchema.keys()
        case .eogrow: return CommonSchema.keys() + eoGrowKeys
        case .mergeSamples, .exportMaps:
            return CommonSchema.keys(skipExistingAllowed: false)
                + EOParameters.keys(for: kind, pipelineName: pipelineName)
        default: return CommonSchema.keys() + EOParameters.keys(for: kind, pipelineName: pipelineName)
        }
    }
}
