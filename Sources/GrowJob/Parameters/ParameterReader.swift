/// Reads the keys of one pipeline's parameters, turning every problem into a `JobSpecError` at
/// its key path. Keys not read are reported as unknown by `finish()`, so a typo never passes
/// silently.
struct ParameterReader: JSONFieldReading {
    let source: String
    let members: JSONObject
    let prefix: String
    private(set) var used: Set<String> = []

    init(source: String, members: JSONObject, prefix: String = "") {
        self.source = source
        self.members = members
        self.prefix = prefix
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }

    func fail(_ key: String, _ message: String) -> JobSpecError {
        failure(at: path(key), message)
    }

    mutating func value(_ key: String) -> JSONValue? {
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

    /// A nested object, read with its own reader (whose unknown keys the caller checks).
    mutating func object(_ key: String) throws(JobSpecError) -> ParameterReader? {
        guard let value = value(key) else { return nil }
        return ParameterReader(source: source, members: try object(value, at: path(key)), prefix: path(key))
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
        guard case .array(let items) = value, items.count == 2, case .string(let typeName) = items[0],
            case .string(let name) = items[1], !name.isEmpty
        else { throw fail(key, "expected [\"<feature type>\", \"<name>\"], got \(value.excerpt)") }
        let allowed = types ?? FeatureType.arrayTypes
        guard let kind = FeatureType(rawValue: typeName), allowed.contains(kind) else {
            throw fail(
                key,
                "unknown feature type \(JSONValue.quote(typeName)); expected one of \(allowed.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard FeatureRef.isValidName(name) else {
            throw fail(key, "feature name \(JSONValue.quote(name)) cannot be a file name")
        }
        return FeatureRef(kind: kind, name: name)
    }

    /// Fails on the first key that was never read.
    func finish(expected: String) throws(JobSpecError) {
        for key in members.keys.sorted() where !used.contains(key) {
            throw fail(key, "unknown key; expected \(expected)")
        }
    }
}
