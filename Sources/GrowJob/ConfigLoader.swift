import Foundation
import OrderedCollections

/// eo-grow's config language on top of the JSON-with-comments reader, with eo-grow's meaning:
/// file imports, per-file `${config_path}`, and `${var:name}` substitution (plus grow's
/// `${env:NAME}`). The result is plain JSON text, keys in the order the files give them, for
/// `JobSpec.parse`.
///
/// Resolution, in order:
/// 1. Each file is parsed (`//` and `/* */` comments allowed) and in every string written in it,
///    keys included, `${config_path}` becomes that file's own folder; a string where it was
///    replaced is then made an absolute, normalized path.
/// 2. A key starting with `**` (`"**base": "${config_path}/base.json"`), in any object at any
///    depth, imports the named file: a relative name is relative to the working directory, as in
///    eo-grow (hence `${config_path}`). The `**` key disappears and the object is joined with the
///    imported ones: its own keys win; then the imports in the order written, an earlier one
///    winning over a later one; where both sides hold an object under a key, the two are joined by
///    the same rule. Keys keep their order: the object's own first, then what imports add. Imports
///    nest; a cycle is an error naming the chain.
/// 3. The top-level `variables` object of the result is overlaid with the `variables` argument
///    (command-line `-v name:value`, which wins); names must be word characters. `${var:name}` in
///    every string, keys included, is replaced by the value's text (as Python's `str` writes it:
///    `True`, `None`, `3`) and `${env:NAME}` by the process environment. Replaced text is not
///    scanned again; other `${...}` forms (such as a shell's `${HOME}`) are left as written.
/// 4. The `variables` key is removed from the top level.
///
/// Every problem is a one-line `JobSpecError` naming the file and the key path inside it.
package enum ConfigLoader {
    /// Reads `path` and resolves eo-grow's config language; returns plain JSON text ready for
    /// `JobSpec.parse`. Relative paths (`path` and imports) are taken from `workingDirectory`.
    package static func load(
        path: String, variables: [String: String] = [:],
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(JobSpecError) -> String {
        let loader = Resolver(workingDirectory: workingDirectory)
        guard case .object(let root, _) = try loader.loadFile(path, importer: nil, chain: []) else {
            throw JobSpecError(
                source: path, keyPath: "",
                message: "holds a pipeline chain (a list); expected one config object here")
        }
        return try substitute(root, path: path, variables: variables)
    }

    /// eo-grow's pipeline chains: a file holding a list of `{"pipeline_config": {...}}` entries
    /// (imports, `${config_path}` and variables work inside each, as in a single config) gives one
    /// resolved config per entry, in order; a file holding one object gives just that config.
    package static func loadChain(
        path: String, variables: [String: String] = [:],
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(JobSpecError) -> [String] {
        let loader = Resolver(workingDirectory: workingDirectory)
        let entries: [Node]
        switch try loader.loadFile(path, importer: nil, chain: []) {
        case .object(let root, _): return [try substitute(root, path: path, variables: variables)]
        case .array(let items, _): entries = items
        default: throw JobSpecError(source: path, keyPath: "", message: "expected a JSON object or a pipeline chain")
        }
        guard !entries.isEmpty else {
            throw JobSpecError(
                source: path, keyPath: "",
                message: "an empty pipeline chain; expected [{\"pipeline_config\": {...}}, ...]")
        }
        var configs: [String] = []
        for (index, entry) in entries.enumerated() {
            guard case .object(let members, _) = entry, case .object(let config, _)? = members["pipeline_config"] else {
                throw JobSpecError(
                    source: path, keyPath: "[\(index)]", message: "expected {\"pipeline_config\": {...}}")
            }
            for key in members.keys where key != "pipeline_config" && key != "pipeline_resources" {
                throw JobSpecError(
                    source: path, keyPath: "[\(index)].\(key)",
                    message: "unknown key; expected pipeline_config, pipeline_resources")
            }
            configs.append(try substitute(config, path: path, variables: variables))
        }
        return configs
    }

    /// Parses "-v name:value" arguments as eo-grow does (split at the first ':'; neither part
    /// empty). A later assignment of the same name wins.
    package static func parseVariableAssignments(_ items: [String]) throws(JobSpecError) -> [String: String] {
        var result: [String: String] = [:]
        for item in items {
            guard let colon = item.firstIndex(of: ":"), colon != item.startIndex,
                item.index(after: colon) != item.endIndex
            else {
                throw JobSpecError(source: "command line", keyPath: "", message: "-v '\(item)': expected name:value")
            }
            result[String(item[..<colon])] = String(item[item.index(after: colon)...])
        }
        return result
    }

    // MARK: - Internals

    /// Where a value was written: the file and the key path inside that file.
    struct Origin {
        var source: String
        var keyPath: String
    }

    /// A resolved value that remembers where it was written, so errors found after joining files
    /// still name the right place.
    indirect enum Node {
        case scalar(JSONValue, Origin)
        case string(String, Origin)
        case array([Node], Origin)
        case object(OrderedDictionary<String, Node>, Origin)

        var origin: Origin {
            switch self {
            case .scalar(_, let origin), .string(_, let origin), .array(_, let origin), .object(_, let origin): origin
            }
        }
    }

    struct Resolver {
        var workingDirectory: String

        /// Loads one file and resolves its imports. `importer` is the file and key path of the `**`
        /// key that asked for it (nil for the top-level file); `chain` the canonical paths above it.
        func loadFile(_ path: String, importer: Origin?, chain: [String]) throws(JobSpecError) -> Node {
            let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true))
                .standardizedFileURL
            let canonical = url.path
            let source = importer == nil ? path : canonical
            func fail(_ message: String) -> JobSpecError {
                JobSpecError(source: importer?.source ?? source, keyPath: importer?.keyPath ?? "", message: message)
            }
            if let start = chain.firstIndex(of: canonical) {
                throw fail("import cycle: " + (chain[start...] + [canonical]).joined(separator: " -> "))
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: canonical, isDirectory: &isDirectory) else {
                guard importer != nil else { throw fail("file not found") }
                let hint =
                    path.hasPrefix("/")
                    ? "" : " (a relative import is relative to the working directory; write ${config_path}/\(path))"
                throw fail("imported file not found: \(canonical)\(hint)")
            }
            guard !isDirectory.boolValue, let text = try? String(contentsOfFile: canonical, encoding: .utf8) else {
                let what = isDirectory.boolValue ? "is a folder" : "not readable UTF-8 text"
                throw fail(importer == nil ? "cannot read the file (\(what))" : "cannot read \(canonical) (\(what))")
            }
            let root: JSONValue
            do {
                root = try JSONParser.parse(text)
            } catch {
                throw JobSpecError(source: source, keyPath: error.keyPath, message: error.message)
            }
            let folder = url.deletingLastPathComponent().standardizedFileURL.path
            let file = FileContext(source: source, folder: folder, chain: chain + [canonical])
            switch root {
            case .object, .array: return try resolve(root, in: file, at: "")
            default:
                throw JobSpecError(source: source, keyPath: "", message: "expected a JSON object, got \(root.excerpt)")
            }
        }

        func resolve(_ value: JSONValue, in file: FileContext, at path: String) throws(JobSpecError) -> Node {
            let origin = Origin(source: file.source, keyPath: path)
            switch value {
            case .null, .bool, .number: return .scalar(value, origin)
            case .string(let text):
                return .string(
                    ConfigLoader.configPath(in: text, folder: file.folder, workingDirectory: workingDirectory), origin)
            case .array(let items):
                var nodes: [Node] = []
                for (index, item) in items.enumerated() {
                    nodes.append(try resolve(item, in: file, at: "\(path)[\(index)]"))
                }
                return .array(nodes, origin)
            case .object(let members):
                var own: OrderedDictionary<String, Node> = [:]
                var imported: [OrderedDictionary<String, Node>] = []
                for (key, child) in members {
                    let keyPath = path.isEmpty ? key : path + "." + key
                    guard key.hasPrefix("**") else {
                        own[ConfigLoader.configPath(in: key, folder: file.folder, workingDirectory: workingDirectory)] =
                            try resolve(
                                child, in: file, at: keyPath)
                        continue
                    }
                    guard case .string(let raw) = child else {
                        throw JobSpecError(
                            source: file.source, keyPath: keyPath,
                            message: "expected the name of a file to import, got \(child.excerpt)")
                    }
                    let importer = Origin(source: file.source, keyPath: keyPath)
                    let target = ConfigLoader.configPath(
                        in: raw, folder: file.folder, workingDirectory: workingDirectory)
                    guard case .object(let members, _) = try loadFile(target, importer: importer, chain: file.chain)
                    else {
                        throw JobSpecError(
                            source: file.source, keyPath: keyPath,
                            message: "\(target) holds a list; only an object can be imported into a config")
                    }
                    imported.append(members)
                }
                return .object(imported.reduce(own, ConfigLoader.join), origin)
            }
        }
    }

    /// One file being resolved.
    struct FileContext {
        var source: String
        var folder: String
        var chain: [String]
    }

    /// eo-grow's join of two objects: `first` wins; `second` adds the keys `first` lacks, and two
    /// objects under the same key are joined by the same rule.
    static func join(
        _ first: OrderedDictionary<String, Node>, _ second: OrderedDictionary<String, Node>
    ) -> OrderedDictionary<String, Node> {
        var result = first
        for (key, value) in second {
            if let existing = result[key] {
                if case .object(let upper, let origin) = existing, case .object(let lower, _) = value {
                    result[key] = .object(join(upper, lower), origin)
                }
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// `${config_path}` replaced by `folder`; where it was, the string becomes an absolute,
    /// normalized path (as eo-grow does it: relative to the working directory).
    static func configPath(in text: String, folder: String, workingDirectory: String) -> String {
        let replaced = substitute(text) { name in name == "config_path" ? folder : nil }
        guard replaced != text else { return text }
        if replaced.hasPrefix("s3://") { return replaced }
        return URL(fileURLWithPath: replaced, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true))
            .standardizedFileURL.path
    }

    /// Steps 3 and 4: variables and environment substituted, `variables` removed.
    private static func substitute(
        _ root: OrderedDictionary<String, Node>, path: String, variables: [String: String]
    ) throws(JobSpecError) -> String {
        var members = root
        var values: [String: String] = [:]
        if let declared = members.removeValue(forKey: "variables") {
            guard case .object(let entries, let origin) = declared else {
                throw JobSpecError(
                    source: declared.origin.source, keyPath: declared.origin.keyPath,
                    message: "expected an object of variables")
            }
            for (name, entry) in entries {
                guard let text = pythonText(entry) else {
                    throw JobSpecError(
                        source: origin.source, keyPath: entry.origin.keyPath,
                        message: "expected a string, number, boolean or null for variable '\(name)'")
                }
                values[name] = text
            }
        }
        for (name, value) in variables { values[name] = value }
        for name in values.keys.sorted() where !isWord(name) {
            throw JobSpecError(
                source: path, keyPath: "variables.\(name)",
                message: "variable name '\(name)' may only hold letters, digits and '_'")
        }
        let environment = ProcessInfo.processInfo.environment
        return try expand(
            .object(members, Origin(source: path, keyPath: "")), variables: values, environment: environment
        )
        .canonicalText
    }

    /// A variable's value as text, as Python's `str` gives it (eo-grow's rule).
    static func pythonText(_ node: Node) -> String? {
        switch node {
        case .string(let text, _): return text
        case .scalar(.bool(let flag), _): return flag ? "True" : "False"
        case .scalar(.null, _): return "None"
        case .scalar(.number(let number), _):
            return number.rounded() == number && abs(number) < 1e16 ? String(Int64(number)) : String(number)
        default: return nil
        }
    }

    static func isWord(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0 == "_" || CharacterSet.alphanumerics.contains($0) }
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
        case .array(let items, _):
            var values: [JSONValue] = []
            for item in items { values.append(try expand(item, variables: variables, environment: environment)) }
            return .array(values)
        case .object(let members, let origin):
            var values: JSONObject = [:]
            for (key, member) in members {
                let name = try expand(key, at: origin, variables: variables, environment: environment)
                values[name] = try expand(member, variables: variables, environment: environment)
            }
            return .object(values)
        case .string(let text, let origin):
            return .string(try expand(text, at: origin, variables: variables, environment: environment))
        }
    }

    static func expand(
        _ text: String, at origin: Origin, variables: [String: String], environment: [String: String]
    ) throws(JobSpecError) -> String {
        try substitute(text) { (name: Substring) throws(JobSpecError) -> String? in
            if name.hasPrefix("var:") {
                let variable = String(name.dropFirst(4))
                guard isWord(variable) else { return nil }
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
    }
}
