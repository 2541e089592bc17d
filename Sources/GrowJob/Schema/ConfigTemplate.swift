/// `grow-head template`: a config skeleton listing every key a pipeline takes, as eo-grow's
/// `eogrow-template` writes them: each value is `"<< [default : ]type[ // description] >>"`, nested
/// sections are objects, and the managers name their classes.
package enum ConfigTemplate {
    /// nil for a pipeline grow does not know.
    package static func render(pipeline: String, descriptions: Bool, requiredOnly: Bool) -> JSONValue? {
        guard let keys = JobSchema.keys(for: pipeline) else { return nil }
        var members = object(keys, descriptions: descriptions, requiredOnly: requiredOnly)
        members["pipeline"] = .string(pipeline)
        return .object(members)
    }

    private static func object(_ keys: [ConfigKey], descriptions: Bool, requiredOnly: Bool) -> JSONObject {
        var members: JSONObject = [:]
        for key in keys where !requiredOnly || key.isRequired || key.name == "pipeline" {
            members[key.name] = value(key, descriptions: descriptions, requiredOnly: requiredOnly)
        }
        return members
    }

    private static func value(_ key: ConfigKey, descriptions: Bool, requiredOnly: Bool) -> JSONValue {
        if let manager = managers[key.name] {
            var members: JSONObject = ["manager": .string(manager)]
            members.merge(object(key.keys, descriptions: descriptions, requiredOnly: requiredOnly)) { first, _ in first
            }
            return .object(members)
        }
        if !key.keys.isEmpty {
            let members = JSONValue.object(object(key.keys, descriptions: descriptions, requiredOnly: requiredOnly))
            return key.type.hasPrefix("List") || key.type.hasPrefix("Optional[List") ? .array([members]) : members
        }
        var text = key.type
        if var fallback = key.defaultText, fallback != "null" {
            if fallback.hasPrefix("\""), fallback.hasSuffix("\""), fallback.count >= 2 {
                fallback = String(fallback.dropFirst().dropLast())
            }
            text = "\(fallback) : \(text)"
        }
        if descriptions { text += " // " + (key.origin == .grow ? "grow: " : "") + key.description }
        return .string("<< \(text) >>")
    }

    /// The manager sections name their class, as a config must.
    private static let managers = [
        "storage": CommonSchema.storageManager, "area": CommonSchema.utmAreaManager,
        "logging": CommonSchema.loggingManager,
    ]
}
