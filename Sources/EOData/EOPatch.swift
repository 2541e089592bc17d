import Foundation
import GrowJob

/// One tile's data as eo-learn's `EOPatch` holds it: a bounding box, the acquisition times, and
/// named arrays grouped by feature type (`data["BANDS"]` is T×H×W×C), plus JSON meta info.
///
/// Read and written in eo-learn's folder layout through a `ProjectStore`
/// (`EOPatch+Read.swift`, `EOPatch+Write.swift`), so grow and eo-grow read each other's tiles.
package struct EOPatch: Sendable, Equatable {
    package var bbox: BBox
    /// Acquisition times, UTC; `data`, `mask`, `scalar` and `label` have one entry per time on axis 0.
    package var timestamps: [Date]
    /// T×H×W×C.
    package var data: [String: NpyArray] = [:]
    /// T×H×W×C, integer or bool.
    package var mask: [String: NpyArray] = [:]
    /// T×N.
    package var scalar: [String: NpyArray] = [:]
    /// T×N, integer or bool.
    package var label: [String: NpyArray] = [:]
    /// H×W×C.
    package var dataTimeless: [String: NpyArray] = [:]
    /// H×W×C, integer or bool.
    package var maskTimeless: [String: NpyArray] = [:]
    /// N.
    package var scalarTimeless: [String: NpyArray] = [:]
    /// N, integer or bool.
    package var labelTimeless: [String: NpyArray] = [:]
    /// eo-learn's `meta_info`: any JSON value by name.
    package var metaInfo: JSONObject = [:]

    package init(bbox: BBox, timestamps: [Date] = []) {
        self.bbox = bbox
        self.timestamps = timestamps
    }

    /// The arrays of one feature type (always empty for `.metaInfo`, which holds JSON: use `metaInfo`).
    package subscript(type: FeatureType) -> [String: NpyArray] {
        get {
            switch type {
            case .data: data
            case .mask: mask
            case .scalar: scalar
            case .label: label
            case .dataTimeless: dataTimeless
            case .maskTimeless: maskTimeless
            case .scalarTimeless: scalarTimeless
            case .labelTimeless: labelTimeless
            case .metaInfo: [:]
            }
        }
        set {
            switch type {
            case .data: data = newValue
            case .mask: mask = newValue
            case .scalar: scalar = newValue
            case .label: label = newValue
            case .dataTimeless: dataTimeless = newValue
            case .maskTimeless: maskTimeless = newValue
            case .scalarTimeless: scalarTimeless = newValue
            case .labelTimeless: labelTimeless = newValue
            case .metaInfo: break
            }
        }
    }

    /// One array feature: `patch[.data, "BANDS"]`.
    package subscript(type: FeatureType, name: String) -> NpyArray? {
        get { self[type][name] }
        set { self[type][name] = newValue }
    }

    /// Every (type, name) the patch holds, arrays in `FeatureType` order then meta info, names sorted.
    package var features: [(FeatureType, String)] {
        FeatureType.arrayTypes.flatMap { type in self[type].keys.sorted().map { (type, $0) } }
            + metaInfo.keys.sorted().map { (FeatureType.metaInfo, $0) }
    }

    /// Why eo-learn would refuse (or misfile) this patch, checked before a write touches storage:
    /// names it cannot store, arrays of the wrong rank, fractional masks or labels, temporal
    /// features whose first axis is not the number of timestamps (a patch without timestamps may
    /// have any, as eo-grow's import writes them), a box that is not a box.
    func problems() -> [String] {
        var problems: [String] = []
        if ![bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].allSatisfy(\.isFinite) || bbox.minX > bbox.maxX
            || bbox.minY > bbox.maxY
        {
            problems.append("bbox \(bbox) is not a box (expected finite minX <= maxX and minY <= maxY)")
        }
        if bbox.epsg <= 0 { problems.append("bbox EPSG code \(bbox.epsg) is not a valid code") }
        for type in FeatureType.allCases {
            let names = type == .metaInfo ? Array(metaInfo.keys) : Array(self[type].keys)
            var lowercased: [String: String] = [:]
            for name in names.sorted() {
                if let problem = EOPatchLayout.problem(withName: name) {
                    problems.append("\(type.rawValue): \(problem)")
                }
                if let other = lowercased.updateValue(name, forKey: name.lowercased()) {
                    problems.append(
                        "\(type.rawValue): features '\(other)' and '\(name)' differ only in case (eo-learn refuses that)"
                    )
                }
            }
        }
        for (type, name) in features where type != .metaInfo {
            guard let array = self[type, name], let rank = type.rank else { continue }
            let what = "\(type.rawValue)/\(name)"
            if array.shape.count != rank {
                problems.append("\(what) has shape \(array.shape); \(type.rawValue) features have \(rank) axes")
            } else if type.isTemporal, !timestamps.isEmpty, array.shape[0] != timestamps.count {
                problems.append(
                    "\(what) has \(array.shape[0]) times on axis 0 but the patch has \(timestamps.count) timestamps")
            }
            if type.isDiscrete, [.float16, .float32, .float64].contains(array.type) {
                problems.append("\(what) is \(array.type.rawValue); \(type.rawValue) features must be integer or bool")
            }
        }
        return problems
    }
}
