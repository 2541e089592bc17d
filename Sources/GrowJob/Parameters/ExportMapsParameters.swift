import Foundation

/// `eogrow.pipelines.export_maps.ExportMapsPipeline` (grow: `"pipeline": "export_maps"`): one
/// feature as a GeoTIFF per patch, merged per UTM zone once every patch is done.
///
///     "input_folder_key": "features", "output_folder_key": "maps",
///     "feature": ["data", "FEATURES"], "band_indices": [5], "scale_factor": 1000,
///     "map_name": "ndvi.tif", "map_dtype": "int16", "no_data_value": -32768,
///     "split_per_timestamp": true, "cogify": false
///
/// Maps: `<output folder>/UTM_<EPSG>/<map_name>`, or for a temporal feature split per time
/// `<output folder>/UTM_<EPSG>/<YYYY-mm-ddTHH-MM-SS>/<map_name>` (eo-grow's layout). The
/// per-patch GeoTIFFs are interim files with eo-grow's names, removed once merged.
package struct ExportMapsParameters: Sendable, Equatable {
    static let keys: [ConfigKey] = [
        .required("input_folder_key", "str", "The folder key of the patches to export from."),
        .required("output_folder_key", "str", "The folder key the maps are written under."),
        .required("feature", "Tuple[FeatureType, str]", "The raster feature to export, e.g. [\"data\", \"NDVI\"]."),
        .optional(
            "map_name", "Optional[str]", default: "null",
            "The maps' file name, ending in .tif or .tiff; by default <feature name>.tiff."),
        .required(
            "map_dtype", "Literal['int8', 'int16', 'uint8', 'uint16', 'float32']",
            "The maps' pixel type; values are cast as numpy casts (truncated, wrapped). int8 is refused, as eo-grow cannot merge it."
        ),
        .optional("no_data_value", "Optional[float]", default: "null", "The maps' nodata value."),
        .optional(
            "scale_factor", "Optional[float]", default: "null",
            "Multiplies the feature before the cast (e.g. 1000 for an index exported as int16)."),
        .optional(
            "band_indices", "Optional[List[int]]", default: "null",
            "The channels to export (negative ones count from the end); all by default."),
        .optional(
            "warp_resampling",
            "Literal[None, 'near', 'bilinear', 'cubic', 'cubicspline', 'lanczos', 'average', 'rms', 'mode', 'max', 'min', 'med', 'q1', 'q3', 'sum']",
            default: "null",
            "How patches are resampled into the zone's map when their pixels do not line up (nearest by default)."),
        .optional(
            "cogify", "bool", default: "false",
            "Write Cloud-Optimized GeoTIFFs (DEFLATE, 1024 px blocks, overviews) instead of LZW-compressed tiled GeoTIFFs."
        ),
        .optional(
            "cogification_resampling",
            "Literal[None, 'NEAREST', 'MODE', 'AVERAGE', 'BILINEAR', 'CUBIC', 'CUBICSPLINE', 'LANCZOS']",
            default: "null", "Resampling of the COG overviews (GDAL's default: cubic for floats, nearest for integers)."
        ),
        .optional(
            "force_local_copies", "bool", default: "false",
            "eo-grow's switch for copying patch maps to local disk before merging; grow always merges from local files."
        ),
        .optional(
            "interim_results_suffix", "str", default: "\"\"",
            "Added to the names of the interim per-patch files, so two exports into one folder do not clash."),
        .optional(
            "split_per_timestamp", "bool", default: "true",
            "A temporal feature gives one map per time (in a <time> folder); false: one map with every time's bands in turn."
        ),
        .optional(
            "merge_workers", "Optional[int]", default: "null",
            "How many maps (zones, times) the head merges at once; all its cores by default."),
        ConfigKey.optional(
            "quicklook", "Literal['none', 'gray', 'ndvi']", default: "\"none\"",
            "Also writes a PNG (at most 1024 px) next to every map: band 1 in grey, or an NDVI colour ramp."
        ).grow,
    ]

    package enum Quicklook: String, Sendable, Equatable, CaseIterable {
        case none, gray, ndvi
    }

    static let warpResamplings = [
        "near", "bilinear", "cubic", "cubicspline", "lanczos", "average", "rms", "mode", "max", "min", "med", "q1",
        "q3",
        "sum",
    ]
    static let cogResamplings = ["NEAREST", "MODE", "AVERAGE", "BILINEAR", "CUBIC", "CUBICSPLINE", "LANCZOS"]

    package var inputFolderKey: String
    package var outputFolderKey: String
    package var feature: FeatureRef
    package var mapName: String
    package var dtype: RasterDataType
    package var noDataValue: Double?
    package var scaleFactor: Double?
    package var bandIndices: [Int]?
    /// gdalwarp's `-r` name; nil: GDAL's default (nearest).
    package var warpResampling: String?
    package var cogify: Bool
    /// The COG driver's `RESAMPLING`; nil: GDAL's default.
    package var cogResampling: String?
    package var interimSuffix: String
    package var splitPerTimestamp: Bool
    /// nil: as many as the head has cores.
    package var mergeWorkers: Int?
    package var quicklook: Quicklook

    init(_ reader: inout ParameterReader) throws(JobSpecError) {
        inputFolderKey = try reader.string("input_folder_key")
        outputFolderKey = try reader.string("output_folder_key")
        feature = try reader.feature("feature", types: [.data, .mask, .dataTimeless, .maskTimeless])
        let name = try reader.optionalString("map_name") ?? "\(feature.name).tiff"
        guard Self.isMapName(name), FeatureRef.isValidName(name) else {
            throw reader.fail(
                "map_name",
                "expected a file name with .tif or .tiff in it (e.g. ndvi.tif), got \(JSONValue.quote(name))")
        }
        mapName = name
        let dtypeName = try reader.choice("map_dtype", ["int8", "int16", "uint8", "uint16", "float32"])
        guard let dtype = RasterDataType(rawValue: dtypeName) else {
            throw reader.fail(
                "map_dtype", "int8 maps cannot be merged (eo-grow 1.7.15 fails on them too); use int16 or uint8")
        }
        self.dtype = dtype
        noDataValue = try reader.optionalNumber("no_data_value", "a number") { $0.isFinite }
        scaleFactor = try reader.optionalNumber("scale_factor", "a number") { $0.isFinite }
        bandIndices = try reader.integers("band_indices", in: -10_000...10_000)
        warpResampling = try reader.optionalChoice("warp_resampling", Self.warpResamplings)
        cogify = try reader.bool("cogify", default: false)
        cogResampling = try reader.optionalChoice("cogification_resampling", Self.cogResamplings)
        _ = try reader.bool("force_local_copies", default: false)
        interimSuffix = ""
        if let value = reader.value("interim_results_suffix") {
            interimSuffix = try reader.string(value, at: reader.path("interim_results_suffix"))
        }
        guard interimSuffix.isEmpty || FeatureRef.isValidName(interimSuffix) else {
            throw reader.fail(
                "interim_results_suffix", "\(JSONValue.quote(interimSuffix)) cannot be part of a file name")
        }
        splitPerTimestamp = try reader.bool("split_per_timestamp", default: true)
        mergeWorkers =
            reader.value("merge_workers") == nil ? nil : try reader.integer("merge_workers", in: 1...1024)
        quicklook =
            Quicklook(rawValue: try reader.choice("quicklook", Quicklook.allCases.map(\.rawValue), default: "none"))
            ?? .none
    }

    /// eo-grow's check of `map_name` (`.+\.tiff?\b` matched at the start): some character, then
    /// `.tif` or `.tiff` not followed by a letter, digit or underscore.
    static func isMapName(_ name: String) -> Bool {
        let characters = Array(name)
        let word: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" }
        for start in 1..<max(1, characters.count) where characters[start] == "." {
            let rest = characters[(start + 1)...]
            guard rest.starts(with: "tif") else { continue }
            var end = start + 4
            // `tiff?` is greedy but may give the second f back to find a boundary.
            for candidate in (end < characters.count && characters[end] == "f" ? [end + 1, end] : [end]) {
                end = candidate
                if end == characters.count || !word(characters[end]) { return true }
            }
        }
        return false
    }

    /// eo-grow's stem of the map's name: every `.tiff` removed (`ndvi.tif` keeps its `.tif`).
    package var mapStem: String { mapName.replacingOccurrences(of: ".tiff", with: "") }

    /// eo-grow's names of interim files: `<stem>_<name>[_UTM_<epsg>][_<time>][_<suffix>].tiff`.
    package func interimName(_ name: String, epsg: Int32? = nil, time: String? = nil) -> String {
        var base = "\(mapStem)_\(name)"
        if let epsg { base += "_UTM_\(epsg)" }
        if let time { base += "_\(time)" }
        if !interimSuffix.isEmpty { base += "_\(interimSuffix)" }
        return base + ".tiff"
    }

    /// Whether the maps are one per time (a temporal feature, split).
    package var splitsTime: Bool { feature.kind.isTemporal && splitPerTimestamp }
}
