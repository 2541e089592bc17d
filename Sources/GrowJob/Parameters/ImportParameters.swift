import Foundation

/// `"pipeline": "import"`: scenes warped into each tile's grid, one time frame per scene.
///
///     "scenes": [{"path": "L7_2020-06-01.tif", "timestamp": "2020-06-01"}, ...],
///     "tiff_folder_key": "input_data", "bands": [1, 2, 3, 4], "resolution": 30,
///     "resample_type": "bilinear", "no_data_value": 0, "dtype": "float32",
///     "output_folder_key": "data", "output_feature": ["data", "BANDS"],
///     "valid_data_feature": ["mask", "IS_DATA"], "compress_level": 0
package struct ImportParameters: Sendable, Equatable {
    static let sceneKeys: [ConfigKey] = [
        .required("path", "str", "A GeoTIFF: local, http(s)://, s3:// or under tiff_folder_key."),
        .required("timestamp", "str", "The scene's time, ISO 8601."),
    ]

    static let keys: [ConfigKey] = [
        ConfigKey.required("scenes", "List[SceneSchema]", "Scenes: {path, timestamp}.").grow,
        .optional("tiff_folder_key", "str", default: "\"input_data\"", "The folder key of the scenes."),
        ConfigKey.optional("bands", "Optional[List[int]]", default: "null", "1-based bands to read.").grow,
        ConfigKey.required("resolution", "float", "Pixel size in metres.").grow,
        ConfigKey.optional("resample_type", "str", default: "\"nearest\"", "Resampling when warping.").grow,
        .optional("no_data_value", "Optional[float]", default: "null", "Value of pixels without data."),
        .optional("dtype", "Optional[dtype]", default: "\"float32\"", "The dtype written."),
        .required("output_folder_key", "str", "The folder key of the output patches."),
        .optional(
            "output_feature", "Tuple[FeatureType, str]", default: "[\"data\", \"BANDS\"]", "The feature written."),
        ConfigKey.optional(
            "valid_data_feature", "Tuple[FeatureType, str]", default: "[\"mask\", \"IS_DATA\"]", "The mask written."
        ).grow,
        ConfigKey.optional("compress_level", "int", default: "0", "gzip level.").grow,
    ]

    package struct Scene: Sendable, Equatable {
        /// A local path, `http(s)://` URL, `s3://` URL, or a path under `tiff_folder_key`.
        package var path: String
        package var timestamp: Date
    }

    package var scenes: [Scene]
    package var tiffFolderKey: String?
    package var bands: [Int]?
    package var resolution: Double
    package var resampling: Resampling
    package var noDataValue: Double?
    package var dtype: RasterDataType
    package var outputFolderKey: String
    package var outputFeature: FeatureRef
    package var validDataFeature: FeatureRef
    package var compressLevel: Int

    init(_ reader: inout ParameterReader) throws(JobSpecError) {
        guard case .array(let items)? = reader.value("scenes"), !items.isEmpty else {
            throw reader.fail(
                "scenes", "missing or empty; expected a list of {\"path\": ..., \"timestamp\": \"YYYY-MM-DD\"}")
        }
        var scenes: [Scene] = []
        for (position, item) in items.enumerated() {
            guard case .object(let members) = item else {
                throw reader.fail(
                    "scenes[\(position)]", "expected {\"path\": ..., \"timestamp\": ...}, got \(item.excerpt)")
            }
            var scene = reader.nested(members, at: "scenes[\(position)]", keys: Self.sceneKeys)
            let path = try scene.string("path")
            let text = try scene.string("timestamp")
            guard let timestamp = Timestamps.parse(text) else {
                throw scene.fail(
                    "timestamp",
                    "expected an ISO date like 2020-06-01 or 2020-06-01T10:30:00, got \(JSONValue.quote(text))")
            }
            try scene.finish()
            scenes.append(Scene(path: path, timestamp: timestamp))
        }
        self.scenes = scenes
        tiffFolderKey = try reader.optionalString("tiff_folder_key")
        bands = try reader.integers("bands", in: 1...10_000)
        resolution = try reader.number("resolution", "a pixel size in metres > 0") { $0 > 0 && $0 <= 1e6 }
        let resamplingName = try reader.choice(
            "resample_type", ["nearest", "bilinear", "cubic", "average"], default: "nearest")
        resampling = resamplingName == "nearest" ? .nearest : Resampling(rawValue: resamplingName) ?? .nearest
        noDataValue = try reader.optionalNumber("no_data_value", "a number") { $0.isFinite }
        dtype =
            RasterDataType(
                rawValue: try reader.choice("dtype", RasterDataType.allCases.map(\.rawValue), default: "float32"))
            ?? .float32
        outputFolderKey = try reader.string("output_folder_key")
        outputFeature = try reader.feature(
            "output_feature", default: FeatureRef(kind: .data, name: "BANDS"), types: [.data])
        validDataFeature = try reader.feature(
            "valid_data_feature", default: FeatureRef(kind: .mask, name: "IS_DATA"), types: [.mask])
        compressLevel = try reader.integer("compress_level", default: 0, in: 0...9)
    }
}

/// eo-learn's timestamps: ISO 8601 without a zone, meaning UTC.
package enum Timestamps {
    /// `2020-06-01`, `2020-06-01T10:30:00`, with optional fraction and `Z`.
    package static func parse(_ text: String) -> Date? {
        var trimmed = text
        if trimmed.hasSuffix("Z") { trimmed.removeLast() }
        if let dot = trimmed.firstIndex(of: ".") { trimmed = String(trimmed[..<dot]) }
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }

    /// `2020-06-01T00:00:00`, as eo-learn writes timestamps.
    package static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: date)
    }
}
