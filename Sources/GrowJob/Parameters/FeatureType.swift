/// The kinds of EOPatch content stored as files, named as eo-learn names its folders
/// (`data/`, `mask_timeless/`, ...). Vector features (`vector/`, `vector_timeless/`, GeoPackage
/// files) are not read or written by grow.
package enum FeatureType: String, Sendable, CaseIterable, Hashable {
    /// T×H×W×C, typically float or integer bands.
    case data
    /// T×H×W×C, integer or bool.
    case mask
    /// T×N.
    case scalar
    /// T×N, integer or bool.
    case label
    /// H×W×C.
    case dataTimeless = "data_timeless"
    /// H×W×C, integer or bool.
    case maskTimeless = "mask_timeless"
    /// N.
    case scalarTimeless = "scalar_timeless"
    /// N, integer or bool.
    case labelTimeless = "label_timeless"
    /// JSON values by name (`meta_info/NAME.json`).
    case metaInfo = "meta_info"

    /// The array types (every case but `metaInfo`).
    package static let arrayTypes: [FeatureType] = allCases.filter { $0 != .metaInfo }

    /// Whether the first axis is time (one entry per timestamp).
    package var isTemporal: Bool { self == .data || self == .mask || self == .scalar || self == .label }

    /// Whether eo-learn requires integer or bool elements.
    package var isDiscrete: Bool { self == .mask || self == .label || self == .maskTimeless || self == .labelTimeless }

    /// The number of axes eo-learn requires (nil for meta info).
    package var rank: Int? {
        switch self {
        case .data, .mask: 4
        case .scalar, .label: 2
        case .dataTimeless, .maskTimeless: 3
        case .scalarTimeless, .labelTimeless: 1
        case .metaInfo: nil
        }
    }
}
