import Yams

/// A node of the parsed cluster.yaml together with where it came from, so every check can name
/// the file, the line and the key.
struct YAMLValue {
    let node: Node
    let path: String
    let file: String
    /// Line of the key this value belongs to: a finding about a whole section points there.
    var keyLine: Int? = nil

    var line: Int { keyLine ?? node.mark?.line ?? 0 }

    func child(_ key: String, _ node: Node, keyLine: Int?) -> YAMLValue {
        YAMLValue(node: node, path: path.isEmpty ? key : "\(path).\(key)", file: file, keyLine: keyLine)
    }

    func element(_ index: Int, _ node: Node) -> YAMLValue {
        YAMLValue(node: node, path: "\(path)[\(index)]", file: file)
    }

    func error(_ message: String) -> ConfigDiagnostic {
        ConfigDiagnostic(file: file, line: line, key: path, message: message)
    }

    var isNull: Bool {
        if case .scalar(let scalar) = node { return scalar.style == .plain && node.null != nil }
        return false
    }

    /// The scalar as text, whatever YAML type it resolves to (a port written as 22 is text "22").
    func scalarText() throws(ConfigDiagnostic) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a single value, found \(kind)") }
        return scalar.string
    }

    func string() throws(ConfigDiagnostic) -> String {
        try scalarText()
    }

    func bool() throws(ConfigDiagnostic) -> Bool {
        guard case .scalar = node, let value = node.bool else {
            throw error("expected true or false, found \(describeValue)")
        }
        return value
    }

    func int() throws(ConfigDiagnostic) -> Int {
        guard case .scalar = node, let value = node.int else {
            throw error("expected a whole number, found \(describeValue)")
        }
        return value
    }

    func double() throws(ConfigDiagnostic) -> Double {
        guard case .scalar = node, let value = node.float ?? node.int.map(Double.init) else {
            throw error("expected a number, found \(describeValue)")
        }
        return value
    }

    /// The mapping's entries in file order; a null value counts as an empty mapping.
    func mapping() throws(ConfigDiagnostic) -> [(key: String, value: YAMLValue)] {
        if isNull { return [] }
        guard case .mapping(let mapping) = node else { throw error("expected a mapping (key: value), found \(kind)") }
        var entries: [(key: String, value: YAMLValue)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw YAMLValue(node: keyNode, path: path, file: file).error("keys must be plain names")
            }
            entries.append((scalar.string, child(scalar.string, valueNode, keyLine: keyNode.mark?.line)))
        }
        return entries
    }

    /// The sequence's items; a null value counts as an empty list.
    func sequence() throws(ConfigDiagnostic) -> [YAMLValue] {
        if isNull { return [] }
        guard case .sequence(let sequence) = node else { throw error("expected a list, found \(kind)") }
        return sequence.enumerated().map { element($0.offset, $0.element) }
    }

    /// A list of strings; a single string is taken as a list of one.
    func stringList() throws(ConfigDiagnostic) -> [String] {
        if case .scalar = node, !isNull { return [try scalarText()] }
        var result: [String] = []
        for item in try sequence() { result.append(try item.scalarText()) }
        return result
    }

    var kind: String {
        switch node {
        case .scalar: return isNull ? "nothing (null)" : "a single value"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    var describeValue: String {
        if case .scalar(let scalar) = node { return "\"\(scalar.string)\"" }
        return kind
    }
}
