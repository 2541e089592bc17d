import Foundation

/// eo-grow's `ImportTiffPipeline` (grow's name `import`): one GeoTIFF cropped to each patch at
/// its own pixels, as eo-grow does it, or grow's extension, several dated scenes warped into
/// each patch's grid.
///
///     eo-grow: "input_filename": "lulc.tif", "tiff_folder_key": "input_data",
///              "output_feature": ["mask_timeless", "LULC"], "no_data_value": 0, "dtype": "uint8",
///              "output_folder_key": "data"
///     grow:    "scenes": [{"path": "L7_2020-06-01.tif", "timestamp": "2020-06-01"}, ...],
///              "resolution": 30, "resample_type": "bilinear", "bands": [1, 2, 3, 4],
///              "output_feature": ["data", "BANDS"], "valid_data_feature": ["mask", "IS_DATA"]
package struct ImportParameters: Sendable, Equatable {
    static let sceneKeys: [ConfigKey] = [
        .required("path", "str", "A GeoTIFF: local, http(s)://, s3:// or under tiff_folder_key."),
        .required("timestamp", "str", "The scene's time, ISO 8601."),
    ]

    static let resizeKeys: [ConfigKey] = [
        .required("resize_type", "Literal['new_size', 'scale_factors', 'resolution']", "How the two sizes are read."),
        .required("width_param", "float", "The new width, its factor, or the pixel width."),
        .required("height_param", "float", "The new height, its factor, or the pixel height."),
        .optional("method", "Literal['nearest', 'linear', 'cubic']", default: "\"linear\"", "The interpolation."),
        .optional("library", "Literal['PIL', 'cv2']", default: "\"cv2\"", "The library eo-grow resizes with."),
    ]

    static let keys: [ConfigKey] = [
        .required("output_folder_key", "str", "The folder key of the output patches."),
        .optional(
            "tiff_folder_key", "str", default: "\"input_data\"", "The folder key where input_filename (or a scene) is."),
        .required("input_filename", "str", "The GeoTIFF to import (.tif is added when the name has no such ending)."),
        .required(
            "output_feature", "Tuple[FeatureType, str]",
            "The feature written: timeless types H×W×bands, temporal ones 1×H×W×bands."),
        .optional("no_data_value", "float", default: "NaN", "The value of patch pixels outside the tiff."),
        .optional(
            "dtype", "Optional[np.dtype]", default: "null",
            "The dtype written; by default the tiff's (float32 for scenes)."),
        .optional(
            "resize", "Optional[ResizeSchema]", default: "null", "Resampling of the imported feature.", keys: resizeKeys
        ),
        ConfigKey.optional(
            "scenes", "Optional[List[SceneSchema]]", default: "null",
            "Instead of input_filename: dated scenes, each warped into the patch grid (one frame each).",
            keys: sceneKeys
        ).grow,
        ConfigKey.optional("bands", "Optional[List[int]]", default: "null", "With scenes: the 1-based bands to read.")
            .grow,
        ConfigKey.optional(
            "resolution", "Optional[float]", default: "null", "With scenes (required): pixel size, metres."
        )
        .grow,
        ConfigKey.optional(
            "resample_type", "Literal['nearest', 'bilinear', 'cubic', 'average']", default: "\"nearest\"",
            "With scenes: resampling when warping."
        ).grow,
        ConfigKey.optional(
            "valid_data_feature", "Tuple[FeatureType, str]", default: "[\"mask\", \"IS_DATA\"]",
            "With scenes: the mask of pixels a scene covers."
        ).grow,
        EOParameters.compressLevelKey,
    ]

    package struct Scene: Sendable, Equatable {
        /// A local path, `http(s)://` URL, `s3://` URL, or a path under `tiff_folder_key`.
        package var path: String
        package var timestamp: Date
    }

    /// grow's scene import: every scene warped into the patch's grid.
    package struct Warp: Sendable, Equatable {
        package var scenes: [Scene]
        package var bands: [Int]?
        package var resolution: Double
        package var resampling: Resampling
        package var validDataFeature: FeatureRef
    }

    package enum Source: Sendable, Equatable {
        /// eo-grow's: a file under `tiff_folder_key`, cropped at its own pixels.
        case tiff(String)
        case scenes(Warp)
    }

    package var source: Source
    package var tiffFolderKey: String
    /// nil: NaN for a tiff (eo-grow's default); with scenes, the scene's own nodata.
    package var noDataValue: Double?
    package var dtype: NumpyDType?
    package var outputFolderKey: String
    package var outputFeature: FeatureRef
    package var compressLevel: Int

    init(_ reader: inout ParameterReader) throws(JobSpecError) {
        outputFolderKey = try reader.string("output_folder_key")
        tiffFolderKey = try reader.string("tiff_folder_key", default: "input_data")
        let filename = try reader.optionalString("input_filename")
        let scenesValue = reader.value("scenes")
        switch (filename, scenesValue) {
        case (let name?, nil):
            let lowercased = name.lowercased()
            source = .tiff(lowercased.hasSuffix(".tif") || lowercased.hasSuffix(".tiff") ? name : name + ".tif")
            for key in ["bands", "resolution", "resample_type", "valid_data_feature"] where reader.value(key) != nil {
                throw reader.fail(key, "only with \"scenes\" (grow's warped import), not with input_filename")
            }
        case (nil, let value?):
            source = .scenes(try Self.warp(value, &reader))
        case (_?, _?):
            throw reader.fail("scenes", "give input_filename (eo-grow's import) or scenes (grow's), not both")
        case (nil, nil):
            throw reader.fail("input_filename", "missing; expected the GeoTIFF to import (or grow's \"scenes\")")
        }
        noDataValue = try reader.optionalNumber("no_data_value", "a number") { $0.isFinite }
        dtype = try reader.dtype("dtype")
        if reader.value("resize") != nil {
            throw reader.fail(
                "resize",
                "grow does not resample an imported tiff with cv2 or PIL; import at the tiff's pixels, or use grow's \"scenes\" with \"resolution\""
            )
        }
        outputFeature = try reader.feature("output_feature", types: [.data, .mask, .dataTimeless, .maskTimeless])
        compressLevel = try reader.compressLevel()
    }

    private static func warp(_ value: JSONValue, _ reader: inout ParameterReader) throws(JobSpecError) -> Warp {
        guard case .array(let items) = value, !items.isEmpty else {
            throw reader.fail("scenes", "expected a non-empty list of {\"path\": ..., \"timestamp\": \"YYYY-MM-DD\"}")
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
        let bands = try reader.integers("bands", in: 1...10_000)
        let resolution = try reader.number("resolution", "a pixel size in metres > 0 (required with scenes)") {
            $0 > 0 && $0 <= 1e6
        }
        let resamplingName = try reader.choice(
            "resample_type", ["nearest", "bilinear", "cubic", "average"], default: "nearest")
        let validDataFeature = try reader.feature(
            "valid_data_feature", default: FeatureRef(kind: .mask, name: "IS_DATA"), types: [.mask])
        return Warp(
            scenes: scenes, bands: bands, resolution: resolution,
            resampling: Resampling(rawValue: resamplingName) ?? .nearest, validDataFeature: validDataFeature)
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
