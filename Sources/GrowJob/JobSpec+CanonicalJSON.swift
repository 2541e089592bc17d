extension JobSpec {
    /// The spec as JSON with every key written out (defaults included), the job's own keys sorted
    /// and a pipeline's parameters in their order (it can matter: `ndis`), no spaces: the same spec
    /// always gives the same text, and `parse(json: canonicalJSON())` gives back an equal spec.
    /// `test_subset` is written as indices.
    package func canonicalJSON() -> String {
        canonicalValue.canonicalText
    }

    /// The canonical form as a JSON value (e.g. for the `config_parameters` of a job report).
    package var canonicalValue: JSONValue {
        var members: JSONObject = [
            "name": .string(name),
            "pipeline": .string(pipeline.rawValue),
            "max_attempts": .number(Double(maxAttempts)),
            "skip_existing": .bool(skipExisting),
            "raise_on_failure": .bool(raiseOnFailure),
        ]
        // merge_samples is always the one tile `merged`; its patch list is its `patches`.
        if pipeline != .mergeSamples { members["tiles"] = tilesValue }
        if pipeline == .command || !command.isEmpty {
            members["command"] = .array(command.map { .string($0) })
        }
        if !environment.isEmpty {
            members["environment"] = .object(Self.sortedObject(environment))
        }
        if let sleep { members["sleep"] = Self.value(of: sleep) }
        if let eoGrow { members["eogrow"] = eoGrow.jsonValue }
        if let tileTimeoutSeconds { members["tile_timeout"] = .number(tileTimeoutSeconds) }
        if projectFolder != nil || !structure.isEmpty { members["storage"] = storageValue }
        for (key, value) in eoMembers { members[key] = value }
        if let testSubset { members["test_subset"] = .array(testSubset.map { .number(Double($0)) }) }
        if let output { members["output"] = .string(output) }
        members.sort { $0.key < $1.key }
        return .object(members)
    }

    /// The canonical form for a job report: an eo-grow job's pickled executions only by size.
    package var reportValue: JSONValue {
        guard let eoGrow, case .object(var members) = canonicalValue else { return canonicalValue }
        members["eogrow"] = eoGrow.reportValue
        return .object(members)
    }

    private var tilesValue: JSONValue {
        switch tiles.form {
        case .count:
            return .number(Double(tiles.count))
        case .grid(let columns, let rows, let prefix):
            return .object([
                "grid": .object(["columns": .number(Double(columns)), "rows": .number(Double(rows))]),
                "prefix": .string(prefix),
            ])
        case .names(let names):
            return .array(names.map { .string($0) })
        case .area(let grid):
            return .object(["area_grid": grid.jsonValue])
        }
    }

    private var storageValue: JSONValue {
        var storage: JSONObject = [:]
        if let projectFolder { storage["project_folder"] = .string(projectFolder.description) }
        if !structure.isEmpty { storage["structure"] = .object(Self.sortedObject(structure)) }
        if let profile = storageSettings.profile { storage["aws_profile"] = .string(profile) }
        if let region = storageSettings.region { storage["aws_region"] = .string(region) }
        if let endpoint = storageSettings.endpoint { storage["endpoint_url"] = .string(endpoint) }
        if let pathStyle = storageSettings.pathStyle { storage["path_style"] = .bool(pathStyle) }
        storage.sort { $0.key < $1.key }
        return .object(storage)
    }

    /// Strings by name, in name order (a dictionary has none of its own).
    private static func sortedObject(_ values: [String: String]) -> JSONObject {
        JSONObject(uniqueKeysWithValues: values.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })
    }

    private static func value(of sleep: SleepDistribution) -> JSONValue {
        switch sleep {
        case .fixed(let ms):
            return .object(["fixed_ms": .number(ms)])
        case .pareto(let scale, let alpha, let seed):
            return .object([
                "pareto": .object(["scale_ms": .number(scale), "alpha": .number(alpha)]),
                "seed": .number(Double(seed)),
            ])
        case .lognormal(let median, let sigma, let seed):
            return .object([
                "lognormal": .object(["median_ms": .number(median), "sigma": .number(sigma)]),
                "seed": .number(Double(seed)),
            ])
        case .uniform(let low, let high, let seed):
            return .object([
                "uniform": .object(["min_ms": .number(low), "max_ms": .number(high)]),
                "seed": .number(Double(seed)),
            ])
        }
    }
}
