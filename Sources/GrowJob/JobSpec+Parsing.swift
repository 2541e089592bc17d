import GrowBase
import OrderedCollections

extension JobSpec {
    static let reservedEnvironment: Set<String> = ["GROW_TILE", "GROW_TILE_INDEX", "GROW_ATTEMPT", "GROW_JOB"]

    /// Reads a job spec (JSON; `//` and `/* */` comments allowed). `source` names the file in errors.
    /// Every problem is reported with its key path and what was expected; the first one found wins.
    ///
    /// Pure: a config with an `area` needs `resolveArea` (the client's, which reads the AOI and
    /// splits it); without one it is an error. The head and the workers get jobs whose grid is
    /// resolved already (`tiles.area_grid`), so they never read files to parse a job.
    package static func parse(json: String, source: String, resolveArea: AreaResolving? = nil) throws(JobSpecError)
        -> JobSpec
    {
        let root: JSONValue
        do {
            root = try JSONParser.parse(json)
        } catch {
            throw JobSpecError(source: source, keyPath: error.keyPath, message: error.message)
        }
        var reader = SpecReader(source: source, resolveArea: resolveArea)
        return try reader.spec(root)
    }

    /// `grow-head validate`: every check `parse` makes that needs no file (the area's keys are
    /// checked, its AOI is not read; `test_subset` names are not looked up).
    package static func check(json: String, source: String) throws(JobSpecError) {
        let root: JSONValue
        do {
            root = try JSONParser.parse(json)
        } catch {
            throw JobSpecError(source: source, keyPath: error.keyPath, message: error.message)
        }
        var reader = SpecReader(source: source, resolveArea: nil, checkOnly: true)
        _ = try reader.spec(root)
    }
}

/// Walks the parsed JSON, turning each problem into a `JobSpecError` at its key path.
struct SpecReader: JSONFieldReading {
    let source: String
    let resolveArea: AreaResolving?
    /// Validation only: an area stands for any number of tiles, and test_subset names are not
    /// looked up.
    let checkOnly: Bool

    init(source: String, resolveArea: AreaResolving?, checkOnly: Bool = false) {
        self.source = source
        self.resolveArea = resolveArea
        self.checkOnly = checkOnly
    }

    func fail(_ keyPath: String, _ message: String) -> JobSpecError {
        failure(at: keyPath, message)
    }

    /// A required number: missing is an error too.
    func number(_ value: JSONValue?, at path: String, _ expected: String, _ valid: (Double) -> Bool)
        throws(JobSpecError) -> Double
    {
        guard let value else { throw fail(path, "missing; expected \(expected)") }
        return try number(value, at: path, expected, valid)
    }

    mutating func spec(_ root: JSONValue) throws(JobSpecError) -> JobSpec {
        guard case .object(let allMembers) = root else {
            throw fail("", "expected a JSON object at the top, got \(root.excerpt)")
        }
        let kinds = PipelineKind.allCases.map { JSONValue.quote($0.rawValue) }.joined(separator: ", ")
        guard let pipelineValue = allMembers["pipeline"] else {
            throw fail("pipeline", "missing; expected an eo-grow pipeline's class path or one of \(kinds)")
        }
        let pipelineName = try string(pipelineValue, at: "pipeline")
        guard let pipeline = PipelineNames.kind(pipelineName) else {
            if PipelineNames.isForeignEOGrowClass(pipelineName) {
                throw fail(
                    "pipeline",
                    "\(pipelineValue.excerpt) is not one of grow's own pipelines: grow-head run and grow-head submit run it through eo-grow (docs/eogrow.md)"
                )
            }
            throw fail("pipeline", "unknown pipeline \(pipelineValue.excerpt); expected one of \(kinds)")
        }
        var reader = ParameterReader(source: source, members: allMembers, keys: JobSchema.keys(for: pipelineName))
        _ = reader.value("pipeline")
        // A config written for eo-grow (its class path and an area) is held to eo-grow's schema:
        // the manager sections and their `manager` keys are required as eo-grow requires them.
        let eoGrowConfig = pipelineName.contains(".") && allMembers["area"] != nil

        var name = pipeline.rawValue
        for key in ["name", "pipeline_name"] {
            guard let value = reader.value(key) else { continue }
            let text = try string(value, at: key)
            if text.isEmpty || text.count > 200 || text.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                throw fail(key, "expected 1 to 200 printable characters, got \(value.excerpt)")
            }
            if key == "name" || allMembers["name"] == nil { name = text }
        }

        let storage = try storageSection(&reader, required: pipeline.isEO, eoGrowConfig: eoGrowConfig)
        try loggingSection(&reader, required: eoGrowConfig)
        if let value = reader.value("worker_resources") { _ = try object(value, at: "worker_resources") }
        for key in ["debug", "raise_on_temporal_mismatch"] {
            if let value = reader.value(key) { _ = try bool(value, at: key) }
        }

        var eo: EOParameters?
        var eoMembers: JSONObject = [:]
        if pipeline.isEO {
            guard let projectFolder = storage.projectFolder else {
                throw fail(
                    "storage.project_folder",
                    "missing; the \(pipeline.rawValue) pipeline reads and writes EOPatches there")
            }
            _ = projectFolder
            let pipelineKeys = Set(EOParameters.keys(for: pipeline, pipelineName: pipelineName).names)
            eo = try EOParameters.read(pipeline, pipelineName: pipelineName, &reader)
            eoMembers = allMembers.filter { pipelineKeys.contains($0.key) }
            // The workers get grow's short name: a sampling class becomes its `sampling` key.
            if case .sampling(let parameters)? = eo { eoMembers["sampling"] = .string(parameters.method.name) }
            for key in eo?.folderKeys ?? [] where storage.structure[key] == nil && JobSpec.defaultStructure[key] == nil
            {
                throw fail(
                    "storage.structure", "has no folder key \(JSONValue.quote(key)); add e.g. \"\(key)\": \"\(key)\"")
            }
        }

        let tiles: TileSet
        let areaValue = reader.value("area")
        let tilesValue = reader.value("tiles")
        if let areaValue {
            guard tilesValue == nil else { throw fail("area", "give either \"area\" or \"tiles\", not both") }
            let request = try areaRequest(areaValue, storage: storage, eoGrowConfig: eoGrowConfig)
            tiles = try resolve(request)
        } else if let tilesValue {
            tiles = try tileSet(tilesValue)
        } else if pipeline == .mergeSamples, case .success(let one) = TileSet.named([MergeSamplesParameters.tileName]) {
            tiles = one
        } else {
            throw fail(
                "area",
                "missing; expected the area manager's section (\(CommonSchema.utmAreaManager)), or grow's \"tiles\": a count, {\"grid\": {\"columns\": C, \"rows\": R}} or a list of names"
            )
        }
        let projectFolder = storage.projectFolder

        var spec = JobSpec(name: name, pipeline: pipeline, tiles: tiles)
        spec.projectFolder = projectFolder
        spec.structure = storage.structure
        spec.storageSettings = storage.settings
        spec.eo = eo
        spec.eoMembers = eoMembers

        let templateContext = (grid: tiles.isGrid, projectFolder: projectFolder != nil)

        let owners: OrderedDictionary<String, PipelineKind> = [
            "command": .command, "environment": .command, "sleep": .sleep, "eogrow": .eogrow,
        ]
        for (key, owner) in owners where pipeline != owner && allMembers[key] != nil {
            throw fail(key, "only for \"pipeline\": \"\(owner.rawValue)\", not \(JSONValue.quote(pipeline.rawValue))")
        }
        if pipeline == .command, let value = reader.value("command") {
            guard case .array(let items) = value, !items.isEmpty else {
                throw fail(
                    "command", "expected a non-empty list of strings (program and arguments), got \(value.excerpt)")
            }
            var argv: [String] = []
            for (position, item) in items.enumerated() {
                let path = "command[\(position)]"
                let text = try string(item, at: path)
                try checkTemplate(text, at: path, context: templateContext)
                argv.append(text)
            }
            if argv[0].isEmpty { throw fail("command[0]", "expected the program to run, got \"\"") }
            spec.command = argv
        } else if pipeline == .command {
            throw fail("command", "missing; expected a list of strings, e.g. [\"python\", \"run.py\", \"{tile}\"]")
        }

        if pipeline == .command, let value = reader.value("environment") {
            guard case .object(let members) = value else {
                throw fail("environment", "expected an object of strings, got \(value.excerpt)")
            }
            var environment: [String: String] = [:]
            for key in members.keys.sorted() {
                let path = "environment.\(key)"
                guard Self.isVariableName(key) else {
                    throw fail(path, "expected a variable name of letters, digits and '_' not starting with a digit")
                }
                if JobSpec.reservedEnvironment.contains(key) { throw fail(path, "set by grow for every tile") }
                let text = try string(members[key] ?? .null, at: path)
                if text.contains("\0") { throw fail(path, "contains a NUL character") }
                try checkTemplate(text, at: path, context: templateContext)
                environment[key] = text
            }
            spec.environment = environment
        }

        if pipeline == .eogrow, let value = reader.value("eogrow") {
            spec.eoGrow = try eoGrowTask(value)
        } else if pipeline == .eogrow {
            throw fail(
                "eogrow",
                "missing; expected {\"pipeline\": a class path, \"payload\": the pickled executions}, as grow's eo-grow driver writes it"
            )
        }

        if pipeline == .sleep, let value = reader.value("sleep") {
            spec.sleep = try sleepDistribution(value)
        } else if pipeline == .sleep {
            throw fail(
                "sleep", "missing; expected e.g. {\"fixed_ms\": 10} or {\"pareto\": {\"scale_ms\": 5, \"alpha\": 1.5}}")
        }

        if let value = reader.value("max_attempts") {
            spec.maxAttempts = try integer(value, at: "max_attempts", in: JobSpec.maxAttemptsRange)
        }
        if let value = reader.value("tile_timeout") {
            spec.tileTimeoutSeconds = try number(value, at: "tile_timeout", "a number of seconds > 0") {
                $0 > 0 && $0 <= 1e9
            }
        }
        if let value = reader.value("test_subset") {
            spec.testSubset = try testSubset(value, tiles: tiles)
        }
        if let value = reader.value("output") {
            let text = try string(value, at: "output")
            if text.isEmpty { throw fail("output", "expected a non-empty path template") }
            try checkTemplate(text, at: "output", context: templateContext)
            if case .success(let template) = TileTemplate.parse(text) {
                for placeholder in template.placeholders where placeholder == .attempt || placeholder == .workDir {
                    throw fail("output", "{\(placeholder.rawValue)} is not known when tiles are planned")
                }
            }
            spec.output = text
        }
        if let value = reader.value("skip_existing") {
            spec.skipExisting = try bool(value, at: "skip_existing")
            if spec.skipExisting, pipeline == .mergeSamples || pipeline == .exportMaps {
                throw fail(
                    "skip_existing",
                    "must be false: the \(pipeline.rawValue) pipeline combines every patch, as in eo-grow")
            }
            if spec.skipExisting, spec.output == nil, spec.eo == nil {
                throw fail("skip_existing", "needs \"output\", the path template of the file each tile writes")
            }
        }
        if let value = reader.value("raise_on_failure") {
            spec.raiseOnFailure = try bool(value, at: "raise_on_failure")
        }
        try reader.finish()
        if case .mergeSamples(let parameters)? = spec.eo {
            try foldPatchList(into: &spec, parameters, listGiven: areaValue != nil || tilesValue != nil)
        }
        return spec
    }

    /// merge_samples runs once (one tile, `merged`) over a patch list: eo-grow's (the area's
    /// patches that `test_subset` keeps, in grid order), grow's `tiles`, or `patches` as given.
    func foldPatchList(into spec: inout JobSpec, _ parameters: MergeSamplesParameters, listGiven: Bool)
        throws(JobSpecError)
    {
        var parameters = parameters
        if listGiven {
            guard parameters.patches == nil else {
                throw fail("patches", "give either patches or area (or tiles), not both")
            }
            parameters.patches = spec.selectedTiles.sorted().map { spec.tiles.name(of: $0) }
            spec.testSubset = nil
        }
        if let patches = parameters.patches {
            spec.eoMembers["patches"] = .array(patches.map { .string($0) })
        }
        if case .success(let one) = TileSet.named([MergeSamplesParameters.tileName]) { spec.tiles = one }
        spec.eo = .mergeSamples(parameters)
    }

    static func isVariableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
    }

    func checkTemplate(_ text: String, at path: String, context: (grid: Bool, projectFolder: Bool))
        throws(JobSpecError)
    {
        switch TileTemplate.parse(text) {
        case .failure(let problem):
            throw fail(path, problem.message)
        case .success(let template):
            for placeholder in template.placeholders {
                switch placeholder {
                case .x where !context.grid, .y where !context.grid:
                    throw fail(path, "{\(placeholder.rawValue)} needs a grid of tiles (\"tiles\": {\"grid\": ...})")
                case .projectFolder where !context.projectFolder:
                    throw fail(path, "{project_folder} needs \"storage\": {\"project_folder\": ...}")
                default:
                    continue
                }
            }
        }
    }

    func tileSet(_ value: JSONValue) throws(JobSpecError) -> TileSet {
        switch value {
        case .number:
            let count = try integer(value, at: "tiles", in: 1...TileSet.maxCount)
            guard let tiles = TileSet.numbered(count) else { throw fail("tiles", "expected 1...\(TileSet.maxCount)") }
            return tiles
        case .object(let given) where given["area_grid"] != nil:
            let members = try object(value, at: "tiles", allowed: ["area_grid"])
            guard let grid = AreaGrid(json: members["area_grid"] ?? .null), let tiles = TileSet.area(grid) else {
                throw fail(
                    "tiles.area_grid", "expected an area grid as grow writes it, with 1...\(TileSet.maxCount) tiles")
            }
            return tiles
        case .object:
            let members = try object(value, at: "tiles", allowed: ["grid", "prefix"])
            guard let gridValue = members["grid"] else {
                throw fail("tiles.grid", "missing; expected {\"columns\": C, \"rows\": R}")
            }
            let grid = try object(gridValue, at: "tiles.grid", allowed: ["columns", "rows"])
            guard let columnsValue = grid["columns"] else {
                throw fail("tiles.grid.columns", "missing; expected an integer >= 1")
            }
            guard let rowsValue = grid["rows"] else {
                throw fail("tiles.grid.rows", "missing; expected an integer >= 1")
            }
            let columns = try integer(columnsValue, at: "tiles.grid.columns", in: 1...TileSet.maxCount)
            let rows = try integer(rowsValue, at: "tiles.grid.rows", in: 1...TileSet.maxCount)
            var prefix = TileSet.defaultGridPrefix
            if let prefixValue = members["prefix"] {
                prefix = try string(prefixValue, at: "tiles.prefix")
                if let problem = TileSet.problem(withName: prefix) { throw fail("tiles.prefix", problem) }
            }
            guard let tiles = TileSet.grid(columns: columns, rows: rows, prefix: prefix) else {
                throw fail("tiles.grid", "\(columns) x \(rows) is more than \(TileSet.maxCount) tiles")
            }
            return tiles
        case .array(let items):
            var names: [String] = []
            names.reserveCapacity(items.count)
            for (position, item) in items.enumerated() {
                names.append(try string(item, at: "tiles[\(position)]"))
            }
            switch TileSet.named(names) {
            case .success(let tiles): return tiles
            case .failure(let problem):
                throw fail(problem.position.map { "tiles[\($0)]" } ?? "tiles", problem.message)
            }
        default:
            throw fail(
                "tiles",
                "expected a tile count, {\"grid\": {\"columns\": C, \"rows\": R}} or a list of names, got \(value.excerpt)"
            )
        }
    }

    func testSubset(_ value: JSONValue, tiles: TileSet) throws(JobSpecError) -> [UInt32] {
        guard case .array(let items) = value, !items.isEmpty else {
            throw fail("test_subset", "expected a non-empty list of tile indices or names, got \(value.excerpt)")
        }
        var indices: [UInt32] = []
        var seen = Set<UInt32>()
        for (position, item) in items.enumerated() {
            let path = "test_subset[\(position)]"
            let index: UInt32
            switch item {
            case .number(let number):
                // eo-grow's indices are pydantic integers: 1.5 is taken as 1.
                let truncated = JSONValue.number(number.rounded(.towardZero))
                index = UInt32(try integer(truncated, at: path, in: 0...(tiles.count - 1)))
            case .string(let name):
                guard let found = tiles.index(named: name) ?? (checkOnly ? 0 : nil) else {
                    throw fail(path, "no tile named \(item.excerpt)")
                }
                index = found
            default:
                throw fail(path, "expected a tile index or name, got \(item.excerpt)")
            }
            if seen.insert(index).inserted { indices.append(index) }
        }
        return indices
    }

    func sleepDistribution(_ value: JSONValue) throws(JobSpecError) -> SleepDistribution {
        let kinds = ["fixed_ms", "pareto", "lognormal", "uniform"]
        let members = try object(value, at: "sleep", allowed: kinds + ["seed"])
        let given = kinds.filter { members[$0] != nil }
        guard given.count == 1 else {
            throw fail(
                "sleep",
                given.isEmpty
                    ? "expected one of \(kinds.joined(separator: ", "))"
                    : "expected only one of \(kinds.joined(separator: ", ")), got \(given.joined(separator: " and "))")
        }
        var seed: UInt64 = 0
        if let seedValue = members["seed"] {
            seed = UInt64(try integer(seedValue, at: "sleep.seed", in: 0...(1 << 53)))
        }
        let positive: (Double) -> Bool = { $0 > 0 && $0 <= 1e12 }
        let nonNegative: (Double) -> Bool = { $0 >= 0 && $0 <= 1e12 }
        switch given[0] {
        case "fixed_ms":
            return .fixed(ms: try number(members["fixed_ms"], at: "sleep.fixed_ms", "a number >= 0", nonNegative))
        case "pareto":
            let pareto = try object(members["pareto"] ?? .null, at: "sleep.pareto", allowed: ["scale_ms", "alpha"])
            let scale = try number(pareto["scale_ms"], at: "sleep.pareto.scale_ms", "a number > 0", positive)
            let alpha = try number(pareto["alpha"], at: "sleep.pareto.alpha", "a number > 1") {
                $0 > 1 && $0 <= 1e6
            }
            return .pareto(scaleMs: scale, alpha: alpha, seed: seed)
        case "lognormal":
            let lognormal = try object(
                members["lognormal"] ?? .null, at: "sleep.lognormal", allowed: ["median_ms", "sigma"])
            let median = try number(lognormal["median_ms"], at: "sleep.lognormal.median_ms", "a number > 0", positive)
            let sigma = try number(lognormal["sigma"], at: "sleep.lognormal.sigma", "a number in 0...10") {
                $0 >= 0 && $0 <= 10
            }
            return .lognormal(medianMs: median, sigma: sigma, seed: seed)
        default:
            let uniform = try object(members["uniform"] ?? .null, at: "sleep.uniform", allowed: ["min_ms", "max_ms"])
            let low = try number(uniform["min_ms"], at: "sleep.uniform.min_ms", "a number >= 0", nonNegative)
            let high = try number(uniform["max_ms"], at: "sleep.uniform.max_ms", "a number >= min_ms") {
                $0 >= low && $0 <= 1e12
            }
            return .uniform(minMs: low, maxMs: high, seed: seed)
        }
    }
}
