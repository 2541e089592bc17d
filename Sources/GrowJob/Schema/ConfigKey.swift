/// One key of a config as `grow-head template` lists it and as the readers accept it: a reader
/// refuses any key its schema does not declare, and reading an undeclared key is a programming
/// error caught by the tests, so the template and the parser cannot drift apart.
package struct ConfigKey: Sendable, Equatable {
    /// eo-grow's own keys, or grow's extensions to its schemas.
    package enum Origin: Sendable, Equatable {
        case eoGrow, grow
    }

    package var name: String
    /// eo-grow's spelling of the type (`str`, `Optional[float]`, `Tuple[int, int]`), so a
    /// template reads like eo-grow's.
    package var type: String
    /// The default as it would be written in JSON, or nil when the key is required.
    package var defaultText: String?
    package var description: String
    /// The keys of a nested object (`patch`, `data_preparation`, `resize`).
    package var keys: [ConfigKey]
    package var origin: Origin

    package var isRequired: Bool { defaultText == nil }

    /// A key that must be given.
    package static func required(
        _ name: String, _ type: String, _ description: String, keys: [ConfigKey] = []
    ) -> ConfigKey {
        ConfigKey(name: name, type: type, defaultText: nil, description: description, keys: keys, origin: .eoGrow)
    }

    /// A key with a default (`"null"` for an optional key without one).
    package static func optional(
        _ name: String, _ type: String, default defaultText: String, _ description: String, keys: [ConfigKey] = []
    ) -> ConfigKey {
        ConfigKey(
            name: name, type: type, defaultText: defaultText, description: description, keys: keys, origin: .eoGrow)
    }

    /// The same key marked as grow's extension (eo-grow does not know it).
    package var grow: ConfigKey {
        var key = self
        key.origin = .grow
        return key
    }
}

extension [ConfigKey] {
    package subscript(named name: String) -> ConfigKey? { first { $0.name == name } }

    package var names: [String] { map(\.name) }
}
