/// `~/.aws/credentials` and `~/.aws/config` as the AWS CLI reads them: INI sections of
/// `key = value` lines, `#`/`;` comments, and indented sub-settings (`s3 =` then
/// `  addressing_style = path`, kept as `s3.addressing_style`).
package struct AWSConfigFile: Sendable, Equatable {
    /// Section name → settings. In the config file `[profile x]` is stored as `x`
    /// (and `[default]` as `default`); other kinds of sections (`[sso-session x]`, `[services x]`)
    /// keep their full name.
    package var sections: [String: [String: String]]

    package init(sections: [String: [String: String]] = [:]) {
        self.sections = sections
    }

    /// Parses the text of either file; `isConfigFile` strips the `profile ` prefix.
    package init(parsing text: String, isConfigFile: Bool) {
        var sections: [String: [String: String]] = [:]
        var current: String?
        var parentKey: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }) {
            let line = String(rawLine)
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") {
                guard let close = trimmed.firstIndex(of: "]") else {
                    current = nil
                    continue
                }
                var name = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close]).trimmingSpaces
                if isConfigFile, name.hasPrefix("profile ") {
                    name = String(name.dropFirst("profile ".count)).trimmingSpaces
                }
                current = name
                parentKey = nil
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = String(trimmed[..<equals]).trimmingSpaces.lowercased()
            let value = Self.stripComment(String(trimmed[trimmed.index(after: equals)...]).trimmingSpaces)
            let indented = line.first == " " || line.first == "\t"
            if indented, let parentKey {
                sections[section]?["\(parentKey).\(key)"] = value
            } else {
                sections[section]?[key] = value
                parentKey = value.isEmpty ? key : nil
            }
        }
        self.sections = sections
    }

    package func value(_ key: String, profile: String) -> String? {
        guard let value = sections[profile]?[key], !value.isEmpty else { return nil }
        return value
    }

    package func hasProfile(_ name: String) -> Bool { sections[name] != nil }

    /// An inline comment starts with ` #` or ` ;` (a `#` inside a value without a space stays).
    private static func stripComment(_ value: String) -> String {
        for marker in [" #", "\t#", " ;", "\t;"] {
            if let range = value.range(of: marker) { return String(value[..<range.lowerBound]).trimmingSpaces }
        }
        return value
    }
}
