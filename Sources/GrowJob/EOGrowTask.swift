/// What a worker needs to run the executions of an eo-grow pipeline grow does not implement
/// natively (`"pipeline": "eogrow"`, one tile per execution). grow's eo-grow driver writes it:
/// eo-grow's own `Pipeline.run()` runs on the client, and where it would hand its executions to
/// Ray, the driver pickles them for grow instead, as Ray pickles them for its workers:
///
///     "eogrow": {"pipeline": "my_project.pipelines.MyPipeline", "payload": "<base64>",
///                "sys_path": ["/home/me/project"], "working_directory": "/home/me/project"}
package struct EOGrowTask: Sendable, Equatable {
    /// The pipeline's class path (what the job is, in logs and errors).
    package var pipeline: String
    /// eo-learn's per-execution data (the workflow, each execution's arguments and log path, the
    /// project's filesystem), pickled with cloudpickle and base64-encoded: opaque to grow.
    package var payload: String
    /// Folders put on the worker's `sys.path` (those that exist there) before the payload is
    /// unpickled: where the driver found the pipeline's own modules.
    package var sysPath: [String]
    /// The driver's working folder: the worker's eo-grow runs there when it exists, so that a
    /// relative path means the same as for the driver.
    package var workingDirectory: String?

    package init(pipeline: String, payload: String, sysPath: [String] = [], workingDirectory: String? = nil) {
        self.pipeline = pipeline
        self.payload = payload
        self.sysPath = sysPath
        self.workingDirectory = workingDirectory
    }

    static var keys: [String] { JobSchema.eoGrowKeys[0].keys.names }

    /// The task as the job spec's `"eogrow"` member.
    package var jsonValue: JSONValue {
        var members: JSONObject = [
            "pipeline": .string(pipeline),
            "payload": .string(payload),
            "sys_path": .array(sysPath.map { .string($0) }),
        ]
        if let workingDirectory { members["working_directory"] = .string(workingDirectory) }
        members.sort { $0.key < $1.key }
        return .object(members)
    }

    /// The task for a report: the payload only by its size (it holds the project's filesystem,
    /// credentials included, as Ray's object store does; a report is for people to read).
    package var reportValue: JSONValue {
        guard case .object(var members) = jsonValue else { return jsonValue }
        members["payload"] = .string("\(payload.utf8.count) bytes of pickled executions")
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
            throw fail(
                "eogrow.pipeline",
                "expected a class path such as my_project.pipelines.MyPipeline, got \(pipelineValue.excerpt)")
        }
        guard let payloadValue = members["payload"] else {
            throw fail("eogrow.payload", "missing; expected the pickled executions (base64)")
        }
        let payload = try string(payloadValue, at: "eogrow.payload", nonEmpty: true)
        var sysPath: [String] = []
        if let value = members["sys_path"] {
            guard case .array(let items) = value else {
                throw fail("eogrow.sys_path", "expected a list of folders, got \(value.excerpt)")
            }
            for (position, item) in items.enumerated() {
                sysPath.append(try string(item, at: "eogrow.sys_path[\(position)]", nonEmpty: true))
            }
        }
        var workingDirectory: String?
        if let value = members["working_directory"], value != .null {
            workingDirectory = try string(value, at: "eogrow.working_directory", nonEmpty: true)
        }
        return EOGrowTask(pipeline: pipeline, payload: payload, sysPath: sysPath, workingDirectory: workingDirectory)
    }
}
