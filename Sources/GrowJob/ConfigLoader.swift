import Foundation

/// eo-grow's config language on top of the JSON-with-comments reader: file imports, per-file
/// `${config_path}`, and `${var:name}` / `${env:NAME}` substitution. The result is plain canonical
/// JSON text for `JobSpec.parse`.
///
/// Resolution, in order:
/// 1. Each file is parsed (`//` and `/* */` comments allowed) and every string written in it has
///    `${config_path}` replaced by that file's own folder (absolute, standardized).
/// 2. A key starting with `**` (`"**base": "base.json"`), in any object at any depth, imports the
///    named file (relative to the importing file's folder; `${config_path}` may appear in the name).
///    The imported file must hold a JSON object; it is merged into the object holding the `**` key
///    and the `**` key itself disappears. Imports nest; a cycle is an error naming the chain.
///    - Merge rule: **deep merge of objects**. Keys written in the importing object win over
///      imported ones; when both sides hold an object under the same key the two objects are merged
///      recursively by the same rule (so `variables` merge across files); anything else (strings,
///      numbers, arrays, an object against a non-object) is replaced whole by the importing side.
///    - Several `**` keys in one object are applied in the sorted order of their key names
///      (a JSON object is unordered, so source order is not kept); a later import wins over an
///      earlier one, and the importing object's own keys win over all of them.
/// 3. The top-level `variables` object of the merged result (string values only) is overlaid with
///    the `variables` argument (command-line `-v name:value`, which wins), then `${var:name}` in
///    every string value is replaced textually and `${env:NAME}` from the process environment.
///    Replaced text is not scanned again; variable values themselves are not expanded. Keys are
///    never substituted; other `${...}` forms (such as a shell's `${HOME}`) are left untouched.
/// 4. The `variables` key is removed from the top level.
///
/// Every problem is a one-line `JobSpecError` naming the file and the key path inside it.
package enum ConfigLoader {
    /// Reads `path` and resolves eo-grow's config language; returns plain JSON text (canonical,
    /// keys sorted) ready for `JobSpec.parse`.
    package static func load(path: String, variables: [String: String] = [:]) throws(JobSpecError) -> String {
        var loader = Resolver()
        let root = try loader.loadFile(path, relativeTo: nil, display: path, importer: nil, chain: [])
        return try substitute(root, path: path, variables: variables)
    }

    /// eo-grow's pipeline chains: a file holding a list of `{"pipeline_config": {...}}` entries
    /// (imports, `${config_path}` and variables work inside each, as in a single config) gives one
    /// resolved config per entry, in order; a file holding one object gives just that config.
    package static func loadChain(path: String, variables: [String: String] = [:]) throws(JobSpecError) -> [String] {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let text = try? String(contentsOfFile: url.path, encoding: .utf8),
            case .array(let entries)? = try? JSONParser.parse(text)
        else { return [try load(path: path, variables: variables)] }
        guard !entries.isEmpty else {
            throw JobSpecError(
                source: path, keyPath: "",
                message: "an empty pipeline chain; expected [{\"pipeline_config\": {...}}, ...]")
        }
        var loader = Resolver()
        let context = FileContext(source: path, folder: url.deletingLastPathComponent().path, chain: [url.path])
        var configs: [String] = []
        for (index, entry) in entries.enumerated() {
            guard case .object(let members) = entry, let config = members["pipeline_config"] else {
                throw JobSpecError(
                    source: path, keyPath: "[\(index)]",
                    message: "expected {\"pipeline_config\": {...}}, got \(entry.excerpt)")
            }
            for key in members.keys.sorted() where key != "pipeline_config" && key != "pipeline_resources" {
                throw JobSpecError(
                    source: path, keyPath: "[\(index)].\(key)",
                    message: "unknown key; expected pipeline_config, pipeline_resources")
            }
            guard case .object(let resolved) = try loader.resolve(config, in: context, at: "[\(index)].pipeline_config")
            else {
                throw JobSpecError(
                    source: path, keyPath: "[\(index)].pipeline_config",
                    message: "expected an object, got \(config.excerpt)")
            }
            configs.append(try substitute(resolved, path: path, variables: variables))
        }
        return configs
    }

    /// Steps 3 and 4: variables and environment substituted, `variables` removed.
    private static func substitute(_ root: [String: Node], path: String, variables: [String: String])
        throws(JobSpecError) -> String
    {
        var members = root
        var values: [String: String] = [:]
        if let declared = members.removeValue(forKey: "variables") {
            guard case .object(let entries) = declared else {
                throw JobSpecError(source: path, keyPath: "variables", message: "expected an object of strings")
            }
            for (name, entry) in entries {
                guard case .string(let text, _) = entry else {
                    throw JobSpecError(
                        source: entry.origin?.source ?? path, keyPath: entry.origin?.keyPath ?? "variables.\(name)",
                        message: "expected a string value for variable '\(name)'")
                }
                values[name] = text
            }
        }
        for (name, value) in variables { values[name] = value }
        let environment = ProcessInfo.processInfo.environment
        let result = try expand(.object(members), variables: values, environment: environment)
        return result.canonicalText
    }

    /// Parses "-v name:value" arguments (split at the first ':'); an error on a missing ':' or an
    /// empty name. A later assignment of the same name wins.
    package static func parseVariableAssignments(_ items: [String]) throws(JobSpecError) -> [String: String] {
        var result: [String: String] = [:]
        for item in items {
            guard let colon = item.firstIndex(of: ":") else {
                throw JobSpecError(
                    source: "command line", keyPath: "", message: "-v '\(item)': expected name:value (no ':' found)")
            }
            let name = String(item[..<colon])
            guard !name.isEmpty else {
                throw JobSpecError(
                    source: "command line", keyPath: "", message: "-v '\(item)': expected name:value (empty name)")
            }
            result[name] = String(item[item.index(after: colon)...])
        }
        return result
    }

    // MARK: - Internals

    /// Where a value was written: the file and the key path inside that file.
    struct Origin {
        var source: String
        var keyPath: String
    }

    /// A resolved value that remembers, for leaves, the file and key path it came from, so errors
    /// found after merging still name the right place.
    indirect enum Node {
        case scalar(JSONValue, Origin)
        case string(String, Origin)
        case array([Node])
        case object([String: Node])

        var origin: Origin? {
            switch self {
            case .scalar(_, let origin), .string(_, let origin): return origin
            case .array, .object: return nil
            }
        }
    }

    /// One file being resolved.
    struct FileContext {
        var source: String
        var folder: String
        var chain: [String]
    }

    struct Resolver {
        /// Loads one file and resolves its imports. `importer` is the file and key path of the `**`
        /// key that asked for it (nil for the top-level file); `chain` the canonical paths above it.
        mutating func loadFile(
            _ path: String, relativeTo folder: String?, display: String?, importer: Origin?, chain: [String]
        ) throws(JobSpecError) -> [String: Node] {
            let url: URL
            if let folder {
                url =
                    URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: folder, isDirectory: true))
                    .standardizedFileURL
            } else {
                url = URL(fileURLWithPath: path).standardizedFileURL
            }
            let canonical = url.path
            let source = display ?? canonical
            func fail(_ message: String) -> JobSpecError {
                if let importer {
                    return JobSpecError(source: importer.source, keyPath: importer.keyPath, message: message)
                }
                return JobSpecError(source: source, keyPath: "", message: message)
            }
            if let start = chain.firstIndex(of: canonical) {
                let cycle = (chain[start...] + [canonical]).joined(separator: " -> ")
                throw fail("import cycle: \(cycle)")
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: canonical, isDirectory: &isDirectory) else {
                throw fail(importer == nil ? "file not found" : "imported file not found: \(canonical)")
            }
            let text: String
            do {
                guard !isDirectory.boolValue else { throw CocoaError(.fileReadUnknown) }
                text = try String(contentsOfFile: canonical, encoding: .utf8)
            } catch {
                let what = isDirectory.boolValue ? "is a folder" : "not readable UTF-8 text"
                throw fail(
                    importer == nil
                        ? "cannot read the file (\(what))" : "cannot read imported file \(canonical) (\(what))")
            }
            let root: JSONValue
            do {
                root = try JSONParser.parse(text)
            } catch {
                throw JobSpecError(source: source, keyPath: error.keyPath, message: error.message)
            }
            guard case .object = root else {
                throw JobSpecError(source: source, keyPath: "", message: "expected a JSON object, got \(root.excerpt)")
            }
            let context = FileContext(
                source: source, folder: url.deletingLastPathComponent().standardizedFileURL.path,
                chain: chain + [canonical])
            guard case .object(let members) = try resolve(root, in: context, at: "") else { return [:] }
            return members
        }

        mutating func resolve(_ value: JSONValue, in file: FileContext, at path: String) throws(JobSpecError) -> Node {
            let origin = Origin(source: file.source, keyPath: path)
            switch value {
            case .null, .bool, .number: return .scalar(value, origin)
            case .string(let text): return .string(ConfigLoader.configPath(in: text, folder: file.folder), origin)
            case .array(let items):
                var nodes: [Node] = []
                for (index, item) in items.enumerated() {
                    nodes.append(try resolve(item, in: file, at: "\(path)[\(index)]"))
                }
                return .array(nodes)
            case .object(let members):
                var own: [String: Node] = [:]
                var imports: [String] = []
                for (key, child) in members {
                    if key.hasPrefix("**") {
                        imports.append(key)
                    } else {
                        own[key] = try resolve(child, in: file, at: path.isEmpty ? key : path + "." + key)
                    }
                }
                var merged: [String: Node] = [:]
                for key in imports.sorted() {
                    let keyPath = path.isEmpty ? key : path + "." + key
                    guard case .string(let raw) = members[key] else {
                        throw JobSpecError(
                            source: file.source, keyPath: keyPath,
                            message: "expected the name of a file to import, got \(members[key]?.excerpt ?? "nothing")")
                    }
                    let target = ConfigLoader.configPath(in: raw, folder: file.folder)
                    let imported = try loadFile(
                        target, relativeTo: file.folder, display: nil,
                        importer: Origin(source: file.source, keyPath: keyPath), chain: file.chain)
                    merged = ConfigLoader.merge(merged, over: imported)
                }
                return .object(ConfigLoader.merge(merged, over: own))
            }
        }
    }

    /// Deep merge: `top` wins; two objects under the same key are merged recursively.
    static func merge(_ base: [String: Node], over top: [String: Node]) -> [String: Node] {
        var result = base
        for (key, value) in top {
            if case .object(let lower) = result[key], case .object(let upper) = value {
                result[key] = .object(merge(lower, over: upper))
            } else {
                result[key] = value
            }
        }
        return result
    }

    static func configPath(in text: String, folder: String) -> String {
        substitute(text) { name in name == "config_path" ? folder : nil }
    }

    /// Replaces each `${name}` for which `replace` gives text; others are kept as written.
    static func substitute<Failure: Error>(
        _ text: String, _ replace: (Substring) throws(Failure) -> String?
    ) throws(Failure) -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = text[...]
        while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            let after = rest.index(after: close)
            out += rest[..<open.lowerBound]
            if let replacement = try replace(rest[open.upperBound..<close]) {
                out += replacement
            } else {
                out += rest[open.lowerBound..<after]
            }
            rest = rest[after...]
        }
        return out + rest
    }

    static func expand(
        _ node: Node, variables: [String: String], environment: [String: String]
    ) throws(JobSpecError) -> JSONValue {
        switch node {
        case .scalar(let value, _): return value
        case .array(let items):
            var values: [JSONValue] = []
            for item in items { values.append(try expand(item, variables: variables, environment: environment)) }
            return .array(values)
        case .object(let members):
            var values: JSONObject = [:]
            for (key, member) in members {
                values[key] = try expand(member, variables: variables, environment: environment)
            }
            return .object(values)
        case .string(let text, let origin):
            let expanded = try substitute(text) { (name: Substring) throws(JobSpecError) -> String? in
                if name.hasPrefix("var:") {
                    let variable = String(name.dropFirst(4))
                    guard let value = variables[variable] else {
                        throw JobSpecError(
                            source: origin.source, keyPath: origin.keyPath,
                            message:
                                "unknown variable '\(variable)' in ${var:\(variable)}; define it under \"variables\" or pass -v \(variable):value"
                        )
                    }
                    return value
                }
                if name.hasPrefix("env:") {
                    let variable = String(name.dropFirst(4))
                    guard let value = environment[variable] else {
                        throw JobSpecError(
                            source: origin.source, keyPath: origin.keyPath,
                            message: "environment variable '\(variable)' is not set (in ${env:\(variable)})")
                    }
                    return value
                }
                return nil
            }
            return .string(expanded)
        }
    }
}
