/// An EOPatch feature named in a config, `["data", "NDVI"]`: its type (the folder it lives in)
/// and its name (the file, without `.npy`).
public struct FeatureRef: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var kind: FeatureKind
    public var name: String

    public init(kind: FeatureKind, name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind.rawValue)/\(name)" }

    var jsonValue: JSONValue { .array([.string(kind.rawValue), .string(name)]) }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200 && name != "." && name != ".." && !name.contains("/")
            && !name.unicodeScalars.contains { $0.value < 0x20 }
    }
}

/// eo-learn's feature types as the folders of an EOPatch.
public enum FeatureKind: String, Sendable, CaseIterable {
    case data, mask, scalar, label
    case dataTimeless = "data_timeless"
    case maskTimeless = "mask_timeless"
    case scalarTimeless = "scalar_timeless"
    case labelTimeless = "label_timeless"

    /// Temporal features carry time as their first axis.
    public var isTemporal: Bool { ![.dataTimeless, .maskTimeless, .scalarTimeless, .labelTimeless].contains(self) }
}
