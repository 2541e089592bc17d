import Foundation
import GrowBase

/// A config's `storage` section: eo-grow's `StorageManager` keys, plus grow's S3 settings.
struct StorageSection {
    var projectFolder: ProjectLocation?
    var structure: [String: String] = [:]
    var settings = StorageSettings()
}

extension SpecReader {
    /// The S3 options of eo-grow's `filesystem_kwargs` that grow honours, by what they set.
    static let filesystemOptions = ["aws_profile", "region", "endpoint_url", "strict"]

    func storageSection(_ reader: inout ParameterReader, required: Bool, eoGrowConfig: Bool) throws(JobSpecError)
        -> StorageSection
    {
        guard var storage = try reader.object("storage") else {
            if eoGrowConfig {
                throw fail(
                    "storage",
                    "missing; expected {\"manager\": \"\(CommonSchema.storageManager)\", \"project_folder\": ...}")
            }
            return StorageSection()
        }
        try manager(&storage, expected: [CommonSchema.storageManager], required: eoGrowConfig)
        var section = StorageSection()
        // eo-grow takes a missing project folder from the environment, as pydantic settings do.
        let environmentFolder = ProcessInfo.processInfo.environment["eogrow_project_folder"]
        if let text = try storage.optionalString("project_folder") ?? environmentFolder {
            guard let location = ProjectLocation(text) else {
                throw storage.fail("project_folder", ProjectLocation.problem(with: text) ?? "not a project folder")
            }
            section.projectFolder = location
        } else if eoGrowConfig {
            throw storage.fail("project_folder", "missing, and eogrow_project_folder is not set")
        }
        if let value = storage.value("structure") {
            guard case .object(let members) = value else {
                throw storage.fail("structure", "expected an object of folder keys to paths, got \(value.excerpt)")
            }
            for (key, value) in members {
                let path = try string(value, at: "storage.structure.\(key)")
                if path.hasPrefix("/") || path.split(separator: "/").contains("..") {
                    throw fail(
                        "storage.structure.\(key)",
                        "expected a path inside the project folder, got \(JSONValue.quote(path))")
                }
                section.structure[key] = path
            }
        }
        if var options = try storage.object("filesystem_kwargs") {
            section.settings.profile = try options.optionalString("aws_profile")
            section.settings.region = try options.optionalString("region")
            section.settings.endpoint = try options.optionalString("endpoint_url")
            if let value = options.value("strict") { _ = try bool(value, at: options.path("strict")) }
            for key in options.members.keys where !Self.filesystemOptions.contains(key) {
                throw options.fail(
                    key,
                    "grow's S3 client does not take this option; it takes \(Self.filesystemOptions.joined(separator: ", "))"
                )
            }
        }
        _ = try storage.choice("geopandas_backend", ["fiona", "pyogrio"], default: "fiona")
        if try storage.bool("use_zarr", default: false) {
            throw storage.fail("use_zarr", "grow reads and writes EOPatches as eo-learn's .npy files, not Zarr")
        }
        if let profile = try storage.optionalString("aws_profile") { section.settings.profile = profile }
        if let region = try storage.optionalString("aws_region") { section.settings.region = region }
        if let endpoint = try storage.optionalString("endpoint_url") { section.settings.endpoint = endpoint }
        if let value = storage.value("path_style") {
            section.settings.pathStyle = try bool(value, at: "storage.path_style")
        }
        try storage.finish()
        return section
    }

    /// eo-grow's `logging` section: checked, and without effect on grow's records.
    func loggingSection(_ reader: inout ParameterReader, required: Bool) throws(JobSpecError) {
        guard var logging = try reader.object("logging") else {
            if required { throw fail("logging", "missing; expected {\"manager\": \"\(CommonSchema.loggingManager)\"}") }
            return
        }
        try manager(&logging, expected: [CommonSchema.loggingManager], required: required)
        for key in ["save_logs", "include_logs_to_report", "show_logs", "capture_warnings"] {
            _ = try logging.bool(key, default: false)
        }
        for key in ["eoexecution_ignore_packages", "pipeline_ignore_packages", "stdout_log_packages"] {
            _ = try logging.strings(key)
        }
        _ = try logging.optionalNumber("pipeline_logs_backup_interval", "a number of seconds") { $0.isFinite }
        try logging.finish()
    }

    /// A manager section's `manager`: required in eo-grow's configs, and one of the classes grow
    /// implements (a custom manager class would need eo-grow itself).
    @discardableResult
    func manager(_ section: inout ParameterReader, expected: [String], required: Bool) throws(JobSpecError) -> String? {
        guard let manager = try section.optionalString("manager") else {
            if required {
                throw section.fail(
                    "manager", "missing; eo-grow needs the manager's class, e.g. \(JSONValue.quote(expected[0]))")
            }
            return nil
        }
        // eo-grow's classes are also importable from their modules' parents (`eogrow.core.area`).
        let className = manager.split(separator: ".").last.map(String.init) ?? manager
        guard let match = expected.first(where: { $0.hasSuffix("." + className) }),
            manager == match || manager.hasPrefix("eogrow.core.")
        else {
            throw section.fail(
                "manager",
                "grow implements \(expected.map { JSONValue.quote($0) }.joined(separator: " and ")), not \(JSONValue.quote(manager))"
            )
        }
        return match
    }
}
