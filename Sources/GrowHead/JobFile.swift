import EOGrowBridge
import Foundation
import GDALRaster
import GrowJob

/// Reads and checks a job file before it goes to the head, so mistakes show up here with the
/// file's name. A pipeline chain (a list of `pipeline_config` entries) gives several jobs, run one
/// after the other; an entry whose pipeline is an eo-grow class grow does not implement runs
/// through eo-grow's driver (`EOGrowBridge`), which reads the file itself with eo-grow.
enum JobFile {
    struct Job {
        var name: String
        /// What the head gets: grow's canonical spec, or for an eo-grow pipeline the config as
        /// resolved here (what `submit CLUSTER PIPELINE` uploads; the head's driver reads it).
        var spec: String
        /// eo-grow's `raise_on_failure`: failed tiles fail the run (and stop a chain).
        var raiseOnFailure: Bool
        /// The pipeline's class path when eo-grow runs it; nil for grow's own pipelines.
        var eoGrowPipeline: String?
        /// Its position in the file's chain (0 for a file holding one config).
        var position: Int
    }

    /// `testPatches`: eo-grow's `-t`, which sets `test_subset` in every config.
    static func load(_ path: String, variables: [String], testPatches: [Int] = []) throws -> [Job] {
        let source = (path as NSString).lastPathComponent
        return try UserError.wrap {
            let assignments = try ConfigLoader.parseVariableAssignments(variables)
            let configs = try ConfigLoader.loadChain(path: path, variables: assignments).map {
                testPatches.isEmpty ? $0 : withTestSubset(testPatches, in: $0)
            }
            return try configs.enumerated().map { position, text in
                if let pipeline = PipelineNames.foreignEOGrowClass(inConfig: text) {
                    return eoGrowJob(pipeline, text: text, position: position)
                }
                let spec = try JobSpec.parse(
                    json: text, source: configs.count > 1 ? "\(source)[\(position)]" : source,
                    resolveArea: AreaResolver.resolve)
                return Job(
                    name: spec.name, spec: spec.canonicalJSON(), raiseOnFailure: spec.raiseOnFailure,
                    eoGrowPipeline: nil, position: position)
            }
        }
    }

    /// What grow needs to know of an eo-grow config before eo-grow reads it: its name and
    /// `raise_on_failure` (eo-grow's default: true).
    private static func eoGrowJob(_ pipeline: String, text: String, position: Int) -> Job {
        var name = String(pipeline.split(separator: ".").last ?? "")
        var raiseOnFailure = true
        if case .object(let members)? = try? JSONParser.parse(text) {
            if case .string(let given)? = members["pipeline_name"], !given.isEmpty { name = given }
            if case .bool(let flag)? = members["raise_on_failure"] { raiseOnFailure = flag }
        }
        return Job(name: name, spec: text, raiseOnFailure: raiseOnFailure, eoGrowPipeline: pipeline, position: position)
    }

    /// The config with `"test_subset"` set, as eo-grow's `-t` sets it (text that is not an object
    /// is left for the parser to report).
    static func withTestSubset(_ indices: [Int], in text: String) -> String {
        guard case .object(var members)? = try? JSONParser.parse(text) else { return text }
        members["test_subset"] = .array(indices.map { .number(Double($0)) })
        return JSONValue.object(members).canonicalText
    }
}
