/// The keys every pipeline config has, and the manager sections (`storage`, `area`, `logging`),
/// as eo-grow 1.7 defines them, plus grow's extensions. The descriptions are grow's own words.
package enum CommonSchema {
    package static let storageManager = "eogrow.core.storage.StorageManager"
    package static let utmAreaManager = "eogrow.core.area.UtmZoneAreaManager"
    package static let customGridAreaManager = "eogrow.core.area.CustomGridAreaManager"
    package static let loggingManager = "eogrow.core.logging.LoggingManager"

    package static let storage: [ConfigKey] = [
        .optional("manager", "Optional[str]", default: "null", "The storage manager's class: \(storageManager)."),
        .required(
            "project_folder", "str",
            "The project's root: a local path or s3://bucket/prefix. When missing, the environment variable eogrow_project_folder."
        ),
        .optional(
            "filesystem_kwargs", "Dict[str, Any]", default: "{}",
            "Options of the S3 filesystem: aws_profile, region, endpoint_url, strict (others are refused)."),
        .optional(
            "structure", "Dict[str, str]", default: "{}",
            "Folder keys to paths under the project folder; input_data (input-data), cache (cache) and logs (logs) are always there."
        ),
        .optional(
            "geopandas_backend", "Literal['fiona', 'pyogrio']", default: "\"fiona\"",
            "The vector IO library of eo-grow; grow reads vectors with GDAL either way."),
        .optional(
            "use_zarr", "bool", default: "false", "EOPatches in Zarr; grow writes eo-learn's .npy.gz files only."),
        ConfigKey.optional("aws_profile", "Optional[str]", default: "null", "The AWS profile for s3:// folders.").grow,
        ConfigKey.optional("aws_region", "Optional[str]", default: "null", "The region of the S3 bucket.").grow,
        ConfigKey.optional(
            "endpoint_url", "Optional[str]", default: "null", "An S3-compatible endpoint (CDSE, MinIO).",
        ).grow,
        ConfigKey.optional(
            "path_style", "bool", default: "false", "Address buckets by path rather than by host name."
        ).grow,
    ]

    static let patchNames = ConfigKey.optional(
        "patch_names", "Optional[PatchListSchema]", default: "null",
        "Keep only the patches named in a JSON list.",
        keys: [
            .required("input_folder_key", "str", "The folder key of the list's folder."),
            .required("filename", "str", "A .json file holding a list of patch names."),
        ])

    package static let utmArea: [ConfigKey] = [
        .optional("manager", "Optional[str]", default: "null", "The area manager's class: \(utmAreaManager)."),
        patchNames,
        .required(
            "geometry_filename", "str",
            "The area of interest: a vector file GDAL reads, in the input_data folder (or absolute)."),
        .required(
            "patch", "PatchSchema", "The patches' size and buffers, in metres.",
            keys: [
                .required("size_x", "int", "Patch width in metres."),
                .required("size_y", "int", "Patch height in metres."),
                .optional("buffer_x", "float", default: "0", "Metres added on the left and right of every patch."),
                .optional("buffer_y", "float", default: "0", "Metres added above and below every patch."),
            ]),
        .optional("offset_x", "float", default: "0", "Shifts the grid east by this many metres."),
        .optional("offset_y", "float", default: "0", "Shifts the grid north by this many metres."),
    ]

    package static let customGridArea: [ConfigKey] = [
        .optional("manager", "Optional[str]", default: "null", "The area manager's class: \(customGridAreaManager)."),
        patchNames,
        .optional("grid_folder_key", "str", default: "\"input_data\"", "The folder key of the grid's folder."),
        .required(
            "grid_filename", "str",
            "A GeoPackage of patch polygons, one layer per CRS; a patch is its polygon's bounding box."),
        .required("name_column", "str", "The attribute that names the patches."),
    ]

    package static let logging: [ConfigKey] = [
        .optional("manager", "Optional[str]", default: "null", "The logging manager's class: \(loggingManager)."),
        .optional(
            "save_logs", "bool", default: "false",
            "eo-grow writes its logs only when true; grow always keeps its records (logs/<run>/) for resuming and status."
        ),
        .optional("include_logs_to_report", "bool", default: "false", "eo-grow's report option; no effect in grow."),
        .optional(
            "eoexecution_ignore_packages", "Tuple[str, ...]", default: "[\"...\"]",
            "Loggers left out of per-patch logs."),
        .optional(
            "pipeline_ignore_packages", "Tuple[str, ...]", default: "[\"...\"]", "Loggers left out of pipeline.log."),
        .optional(
            "pipeline_logs_backup_interval", "float", default: "60",
            "Seconds between copies of pipeline.log to remote storage."),
        .optional("show_logs", "bool", default: "false", "Print the pipeline's log lines on stdout."),
        .optional(
            "stdout_log_packages", "Tuple[str, ...]", default: "[\"...\"]", "Loggers printed on stdout with show_logs."
        ),
        .optional("capture_warnings", "bool", default: "true", "Log Python warnings instead of printing them."),
    ]

    /// The keys of every pipeline, before its own.
    package static func keys(skipExistingAllowed: Bool = true) -> [ConfigKey] {
        [
            .optional(
                "pipeline", "Optional[str]", default: "null", "The pipeline: an eo-grow class path or grow's name."),
            .optional(
                "pipeline_name", "Optional[str]", default: "null", "A name for the run, shown in logs and status."),
            .required(
                "storage", "StorageManager", "Where the project lives (\(storageManager)).", keys: storage),
            .required(
                "area", "AreaManager",
                "The patches: \(utmAreaManager) (shown) or \(customGridAreaManager).", keys: utmArea),
            .required("logging", "LoggingManager", "Logging options (\(loggingManager)).", keys: logging),
            .optional(
                "worker_resources", "Dict[str, Any]", default: "{}",
                "Ray's per-task resources; grow runs one tile per worker slot, so they have no effect."),
            .optional(
                "test_subset", "Optional[List[Union[int, str]]]", default: "null",
                "Run only these patches, by index in the grid or by name."),
            skipExistingAllowed
                ? .optional("skip_existing", "bool", default: "false", "Skip patches whose outputs already exist.")
                : .optional("skip_existing", "Literal[False]", default: "false", "Must be false for this pipeline."),
            .optional(
                "raise_on_temporal_mismatch", "bool", default: "false",
                "Fail a patch whose features disagree with its timestamps in length."),
            .optional(
                "raise_on_failure", "bool", default: "true",
                "Exit with an error when some patches failed (after the others have run)."),
            .optional("debug", "bool", default: "false", "eo-grow runs without Ray; no effect in grow."),
            ConfigKey.optional("name", "Optional[str]", default: "null", "Same as pipeline_name.").grow,
            ConfigKey.optional(
                "tiles", "Union[int, GridSchema, List[str]]", default: "null",
                "Instead of area: a tile count, {\"grid\": {\"columns\": C, \"rows\": R}} or a list of names."
            ).grow,
            ConfigKey.optional("max_attempts", "int", default: "3", "Runs of a tile before it counts as failed.").grow,
            ConfigKey.optional(
                "tile_timeout", "Optional[float]", default: "null", "Seconds after which a tile is stopped and retried."
            ).grow,
            ConfigKey.optional(
                "output", "Optional[str]", default: "null",
                "The file a tile writes (a template, for skip_existing of command jobs)."
            ).grow,
        ]
    }
}
