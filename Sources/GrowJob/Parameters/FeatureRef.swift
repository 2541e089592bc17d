/// An EOPatch feature named in a config, `["data", "NDVI"]`: its type (the folder it lives in)
/// and its name (the file, without `.npy`).
package struct FeatureRef: Sendable, Equatable, Hashable, CustomStringConvertible {
    package var kind: FeatureType
    package var name: String

    package init(kind: FeatureType, name: String) {
        self.kind = kind
        self.name = name
    }

    package var description: String { "\(kind.rawValue)/\(name)" }

    var jsonValue: JSONValue { .array([.string(kind.rawValue), .string(name)]) }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200 && name != "." && name != ".." && !name.contains("/")
            && !name.unicodeScalars.contains { $0.value < 0x20 }
    }
}
