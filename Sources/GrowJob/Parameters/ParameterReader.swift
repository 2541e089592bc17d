/// Reads the keys of one object of a config against its schema, turning every problem into a
/// `JobSpecError` at its key path. Keys not in the schema are reported by `finish()`, so a typo
/// never passes silently.
struct ParameterReader: JSONFieldReading {
    let source: String
    let members: JSONObject
    let prefix: String
    /// The keys this object may have; nil for free-form objects (`ndis`), where every key is
    /// data and the caller reads them all.
    let keys: [ConfigKey]?
    private(set) var used: Set<String> = []

    init(source: String, members: JSONObject, prefix: String = "", keys: [ConfigKey]?) {
        self.source = source
        self.members = members
        self.prefix = prefix
        self.keys = keys
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }

    func fail(_ key: String, _ message: String) -> JobSpecError {
        failure(at: path(key), message)
    }

    mutating func value(_ key: String) -> JSONValue? {
        assert(keys == nil || keys?[named: key] != nil, "\(path(key)) is read but not in the schema")
        used.insert(key)
        if case .null = members[key] { return nil }
        return members[key]
    }

    mutating func string(_ key: String, default fallback: String? = nil) throws(JobSpecError) -> String {
        guard let value = value(key) else {
            if let fallback { return fallback }
            throw fail(key, "missing; expected a string")
        }
        return try string(value, at: path(key), nonEmpty: true)
    }

    mutating func optionalString(_ key: String) throws(JobSpecError) -> String? {
        guard value(key) != nil else { return nil }
        return try string(key)
    }

    mutating func number(_ key: String, default fallback: Double? = nil, _ expected: String, _ valid: (Double) -> Bool)
        throws(JobSpecError) -> Double
    {
        guard let value = value(key) else {
            if let fallback { return fallback }
            throw fail(key, "missing; expected \(expected)")
        }
        return try number(value, at: path(key), expected, valid)
    }

    mutating func optionalNumber(_ key: String, _ expected: String, _ valid: (Double) -> Bool) throws(JobSpecError)
        -> Double?
    {
        guard value(key) != nil else { return nil }
        return try number(key, expected, valid)
    }

    mutating func integer(_ key: String, default fallback: Int? = nil, in range: ClosedRange<Int>) throws(JobSpecError)
        -> Int
    {
        guard let value = value(key) else {
            if let fallback { return fallback }
            throw fail(key, "missing; expected an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return try integer(value, at: path(key), in: range)
    }

    mutating func bool(_ key: String, default fallback: Bool) throws(JobSpecError) -> Bool {
        guard let value = value(key) else { return fallback }
        return try bool(value, at: path(key))
    }

    mutating func integers(_ key: String, count: Int? = nil, in range: ClosedRange<Int>) throws(JobSpecError) -> [Int]?
    {
        guard let value = value(key) else { return nil }
        let expected = "a list of \(count.map { "\($0) " } ?? "")integers in \(range.lowerBound)...\(range.upperBound)"
        guard case .array(let items) = value, !items.isEmpty, count == nil || items.count == count else {
            throw fail(key, "expected \(expected), got \(value.excerpt)")
        }
        var result: [Int] = []
        for item in items {
            guard case .number(let number) = item, number == number.rounded(),
                range.contains(Int(exactly: number) ?? Int.min)
            else { throw fail(key, "expected \(expected), got \(item.excerpt) in the list") }
            result.append(Int(number))
        }
        return result
    }

    mutating func strings(_ key: String) throws(JobSpecError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value, !items.isEmpty else {
            throw fail(key, "expected a non-empty list of strings, got \(value.excerpt)")
        }
        var result: [String] = []
        for (position, item) in items.enumerated() {
            guard case .string(let text) = item, !text.isEmpty else {
                throw JobSpecError(
                    source: source, keyPath: path(key) + "[\(position)]",
                    message: "expected a non-empty string, got \(item.excerpt)")
            }
            result.append(text)
        }
        return result
    }

    /// One of `choices`.
    mutating func choice(_ key: String, _ choices: [String], default fallback: String? = nil) throws(JobSpecError)
        -> String
    {
        let text = try string(key, default: fallback)
        guard choices.contains(text) else {
            throw fail(
                key,
                "expected one of \(choices.map { JSONValue.quote($0) }.joined(separator: ", ")), got \(JSONValue.quote(text))"
            )
        }
        return text
    }

    /// A nested object, read with its own reader against the key's schema (the caller calls
    /// `finish()` on it).
    mutating func object(_ key: String) throws(JobSpecError) -> ParameterReader? {
        guard let value = value(key) else { return nil }
        return ParameterReader(
            source: source, members: try object(value, at: path(key)), prefix: path(key),
            keys: keys?[named: key]?.keys)
    }

    /// A reader for an object found inside this one's value (a list item, a free-form map).
    func nested(_ members: JSONObject, at relativePath: String, keys: [ConfigKey]?) -> ParameterReader {
        ParameterReader(source: source, members: members, prefix: path(relativePath), keys: keys)
    }

    /// A feature's name (eo-grow's `*_feature_name` keys): it becomes a file name.
    mutating func featureName(_ key: String, default fallback: String? = nil) throws(JobSpecError) -> String {
        let name = try string(key, default: fallback)
        guard FeatureRef.isValidName(name) else { throw fail(key, "\(JSONValue.quote(name)) cannot be a feature name") }
        return name
    }

    mutating func optionalFeatureName(_ key: String) throws(JobSpecError) -> String? {
        guard value(key) != nil else { return nil }
        return try featureName(key)
    }

    /// An array dtype as numpy names it (`"float32"`, `"u2"`); nil when missing or null.
    mutating func dtype(_ key: String) throws(JobSpecError) -> NumpyDType? {
        guard let value = value(key) else { return nil }
        let text = try string(value, at: path(key), nonEmpty: true)
        guard let type = NumpyDType(numpyName: text) else {
            throw fail(
                key,
                "\(JSONValue.quote(text)) is not a dtype grow writes; expected one of \(NumpyDType.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return type
    }

    /// grow's `compress_level`: eo-learn's gzip level 1 by default, 0 for plain `.npy`.
    mutating func compressLevel() throws(JobSpecError) -> Int {
        try integer("compress_level", default: 1, in: 0...9)
    }

    /// An EOPatch feature as eo-grow writes it: `["data", "BANDS"]`.
    mutating func feature(_ key: String, default fallback: FeatureRef? = nil, types: [FeatureType]? = nil)
        throws(JobSpecError)
        -> FeatureRef
    {
        guard let value = value(key) else {
            if let fallback { return fallback }
            throw fail(key, "missing; expected [\"<feature type>\", \"<name>\"], e.g. [\"data\", \"BANDS\"]")
        }
        return try feature(value, at: path(key), types: types)
    }

    /// An optional feature: nil when the key is missing or null.
    mutating func optionalFeature(_ key: String, types: [FeatureType]? = nil) throws(JobSpecError) -> FeatureRef? {
        guard let value = value(key) else { return nil }
        return try feature(value, at: path(key), types: types)
    }

    /// A non-empty list of features: `[["data", "FEATURES"], ["mask_timeless", "LULC"]]`.
    mutating func features(_ key: String, types: [FeatureType]? = nil) throws(JobSpecError) -> [FeatureRef]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value, !items.isEmpty else {
            throw fail(key, "expected a list of features, e.g. [[\"data\", \"FEATURES\"]], got \(value.excerpt)")
        }
        var result: [FeatureRef] = []
        for (position, item) in items.enumerated() {
            result.append(try feature(item, at: path(key) + "[\(position)]", types: types))
        }
        return result
    }

    func feature(_ value: JSONValue, at keyPath: String, types: [FeatureType]?) throws(JobSpecError) -> FeatureRef {
        guard case .array(let items) = value, items.count == 2, case .string(let typeName) = items[0],
            case .string(let name) = items[1], !name.isEmpty
        else { throw failure(at: keyPath, "expected [\"<feature type>\", \"<name>\"], got \(value.excerpt)") }
        let allowed = types ?? FeatureType.arrayTypes
        guard let kind = FeatureType(rawValue: typeName), allowed.contains(kind) else {
            throw failure(
                at: keyPath,
                "unknown feature type \(JSONValue.quote(typeName)); expected one of \(allowed.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard FeatureRef.isValidName(name) else {
            throw failure(at: keyPath, "feature name \(JSONValue.quote(name)) cannot be a file name")
        }
        return FeatureRef(kind: kind, name: name)
    }

    /// Fails on the first key (in the file's order) that is not in the schema or was never read.
    func finish() throws(JobSpecError) {
        for key in members.keys where !used.contains(key) {
            let expected = keys.map { "one of " + $0.names.joined(separator: ", ") } ?? "no other keys"
            throw fail(key, "unknown key; expected \(expected)")
        }
    }
}
