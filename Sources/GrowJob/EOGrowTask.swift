/// What a worker needs to run one execution of an eo-grow pipeline grow does not implement
/// natively (`"pipeline": "eogrow"`): eo-grow rebuilds the pipeline from `config` in a Python
/// process and runs the execution named by the tile. The client's driver (eo-grow's own
/// `Pipeline.run()`, with `run_execution` handing the executions to grow) writes it:
///
///     "eogrow": {"pipeline": "my_project.pipelines.MyPipeline", "config": "{...}",
///                "sys_path": ["/home/me/project/configs"], "execution_logs": "logs/.../eoexecution-report-..."}
package struct EOGrowTask: Sendable, Equatable {
    /// The pipeline's class path, as eo-grow imports it (`eogrow.utils.meta.import_object`).
    package var pipeline: String
    /// The config eo-grow validated (imports and variables resolved), as JSON text: a string, so
    /// that it reaches eo-grow on the worker exactly as the driver had it (`1.0` stays a float).
    package var config: String
    /// Folders put on the worker's `sys.path` (those that exist there) before the class is imported:
    /// the config's folder, a local project folder, the driver's working folder.
    package var sysPath: [String]
    /// Where each execution's log goes (`eoexecution-<name>.log` in this folder, relative to the
    /// project's filesystem), as eo-grow's EOExecutor writes them; nil when eo-grow saves no logs.
    package var executionLogs: String?
    /// The driver's working folder: the worker's eo-grow runs there when it exists, so that a
    /// relative path in the config means the same as for the driver.
    package var workingDirectory: String?
    /// The workflow the driver's pipeline ran, one `module.TaskClass:node name` per node: the
    /// worker checks that its `build_workflow()` builds the same (empty: not checked).
    package var workflow: [String]

    package init(
        pipeline: String, config: String, sysPath: [String] = [], executionLogs: String? = nil,
        workingDirectory: String? = nil, workflow: [String] = []
    ) {
        self.workingDirectory = workingDirectory
        self.pipeline = pipeline
        self.config = config
        self.sysPath = sysPath
        self.executionLogs = executionLogs
        self.workflow = workflow
    }

    static let keys = JobSchema.eoGrowKeys[0].keys.names

    /// The task as the job spec's `"eogrow"` member.
    package var jsonValue: JSONValue {
        var members: JSONObject = [
            "pipeline": .string(pipeline),
            "config": .string(config),
            "sys_path": .array(sysPath.map { .string($0) }),
        ]
        if let executionLogs { members["execution_logs"] = .string(executionLogs) }
        if let workingDirectory { members["working_directory"] = .string(workingDirectory) }
        if !workflow.isEmpty { members["workflow"] = .array(workflow.map { .string($0) }) }
        members.sort { $0.key < $1.key }
        return .object(members)
    }

    /// A class path eo-grow can import: dotted Python identifiers, at least a module and a name.
    package static func isClassPath(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2
            && parts.allSatisfy { part in
                guard let first = part.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
                return part.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                        || $0.value > 0x7F
                }
            }
    }
}

extension SpecReader {
    func eoGrowTask(_ value: JSONValue) throws(JobSpecError) -> EOGrowTask {
        let members = try object(value, at: "eogrow", allowed: EOGrowTask.keys)
        guard let pipelineValue = members["pipeline"] else {
            throw fail("eogrow.pipeline", "missing; expected the pipeline's class path")
        }
        let pipeline = try string(pipelineValue, at: "eogrow.pipeline")
        guard EOGrowTask.isClassPath(pipeline) else {
            throw fail("eogrow.pipeline", "expected a class path such as my_project.pipelines.MyPipeline, got \(pipelineValue.excerpt)")
        }
        guard let configValue = members["config"] else {
            throw fail("eogrow.config", "missing; expected the pipeline's config as JSON text")
        }
        let config = try string(configValue, at: "eogrow.config")
        guard case .object? = try? JSONParser.parse(config) else {
            throw fail("eogrow.config", "expected a JSON object as text, got \(configValue.excerpt)")
        }
        let sysPath = try strings(members["sys_path"], at: "eogrow.sys_path", "a list of folders")
        let workflow = try strings(members["workflow"], at: "eogrow.workflow", "a list of the workflow's nodes")
        var executionLogs: String?
        if let value = members["execution_logs"], value != .null {
            executionLogs = try string(value, at: "eogrow.execution_logs", nonEmpty: true)
        }
        var workingDirectory: String?
        if let value = members["working_directory"], value != .null {
            workingDirectory = try string(value, at: "eogrow.working_directory", nonEmpty: true)
        }
        return EOGrowTask(
            pipeline: pipeline, config: config, sysPath: sysPath, executionLogs: executionLogs,
            workingDirectory: workingDirectory, workflow: workflow)
    }

    private func strings(_ value: JSONValue?, at path: String, _ expected: String) throws(JobSpecError) -> [String] {
        guard let value else { return [] }
        guard case .array(let items) = value else { throw fail(path, "expected \(expected), got \(value.excerpt)") }
        var texts: [String] = []
        for (position, item) in items.enumerated() {
            texts.append(try string(item, at: "\(path)[\(position)]", nonEmpty: true))
        }
        return texts
    }
}
