/// Typed reads of JSON values at key paths, every problem a `JobSpecError` that names the file,
/// the key path and what was expected: one set of checks for a job's own keys (`SpecReader`) and
/// for a pipeline's parameters (`ParameterReader`).
protocol JSONFieldReading {
    /// The file the JSON came from, for the errors.
    var source: String { get }
}

extension JSONFieldReading {
    func failure(at keyPath: String, _ message: String) -> JobSpecError {
        JobSpecError(source: source, keyPath: keyPath, message: message)
    }

    /// An object's members; with `allowed`, any other key is an error naming it.
    func object(_ value: JSONValue, at path: String, allowed: [String]? = nil) throws(JobSpecError)
        -> JSONObject
    {
        guard case .object(let members) = value else {
            throw failure(at: path, "expected an object, got \(value.excerpt)")
        }
        for key in members.keys.sorted() where allowed.map({ !$0.contains(key) }) ?? false {
            let childPath = path.isEmpty ? key : path + "." + key
            throw failure(at: childPath, "unknown key; expected one of \(allowed?.joined(separator: ", ") ?? "")")
        }
        return members
    }

    /// A string; `nonEmpty` refuses "".
    func string(_ value: JSONValue, at path: String, nonEmpty: Bool = false) throws(JobSpecError) -> String {
        guard case .string(let text) = value, !nonEmpty || !text.isEmpty else {
            throw failure(at: path, "expected a \(nonEmpty ? "non-empty " : "")string, got \(value.excerpt)")
        }
        return text
    }

    func bool(_ value: JSONValue, at path: String) throws(JobSpecError) -> Bool {
        guard case .bool(let flag) = value else {
            throw failure(at: path, "expected true or false, got \(value.excerpt)")
        }
        return flag
    }

    /// A number `valid` accepts; `expected` says which (`"a number of seconds > 0"`).
    func number(_ value: JSONValue, at path: String, _ expected: String, _ valid: (Double) -> Bool)
        throws(JobSpecError) -> Double
    {
        guard case .number(let number) = value, valid(number) else {
            throw failure(at: path, "expected \(expected), got \(value.excerpt)")
        }
        return number
    }

    func integer(_ value: JSONValue, at path: String, in range: ClosedRange<Int>) throws(JobSpecError) -> Int {
        let number = try number(value, at: path, "an integer in \(range.lowerBound)...\(range.upperBound)") {
            $0 == $0.rounded() && abs($0) < 1e15 && range.contains(Int($0))
        }
        return Int(number)
    }
}
