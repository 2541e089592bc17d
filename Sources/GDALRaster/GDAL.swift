import CGDAL
import GrowBase
import ProjectStorage

/// The process-wide GDAL set-up and the way its errors become Swift errors.
package enum GDAL {
    /// nil once GDAL is loaded and set up, else why it cannot be (one line: what to install).
    /// libgdal is not linked but dlopen()ed here, on first use, so processes that never touch a
    /// raster do not map it. Then the drivers are registered and GDAL is kept quiet on stderr:
    /// its messages are read back with `CPLGetLastErrorMsg` (per thread) as one-line errors.
    static let unavailable: String? = {
        let failure = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 1024) { error in
            grow_gdal_load(error.baseAddress, error.count) == 0 ? nil : String(cString: error.baseAddress!)
        }
        if let failure { return failure }
        GDALAllRegister()
        CPLSetErrorHandler(CPLQuietErrorHandler)
        // A tile reads one scene window at a time; a bounded block cache keeps workers lean.
        if CPLGetConfigOption("GDAL_CACHEMAX", nil) == nil { GDALSetCacheMax64(256 << 20) }
        // Reads over HTTP: no directory listing probes (COGs are single files).
        CPLSetConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR")
        CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", nil)
        return nil
    }()

    /// Loads and sets up GDAL (once per process); every entry point calls this before any GDAL
    /// function. Throws `error(reason)` when GDAL cannot be loaded.
    static func load<E: Error>(orThrow error: (String) -> E) throws(E) {
        if let unavailable { throw error(unavailable) }
    }

    /// GDAL's last message on this thread, or `fallback`.
    static func lastError(_ fallback: String) -> String {
        let message = CPLGetLastErrorMsg().map { String(cString: $0) } ?? ""
        CPLErrorReset()
        return message.isEmpty ? fallback : message.replacingOccurrences(of: "\n", with: " ")
    }

    /// A GDAL string list (`char **`) built from Swift strings; free with `CSLDestroy`.
    static func stringList(_ items: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        for item in items { list = CSLAddString(list, item) }
        return list
    }

    /// The WKT of an EPSG code, or nil if GDAL does not know it.
    static func wkt(epsg: Int32) -> String? {
        guard unavailable == nil else { return nil }
        let srs = OSRNewSpatialReference(nil)
        defer { OSRDestroySpatialReference(srs) }
        guard OSRImportFromEPSG(srs, epsg) == OGRERR_NONE else { return nil }
        var text: UnsafeMutablePointer<CChar>? = nil
        guard OSRExportToWkt(srs, &text) == OGRERR_NONE, let text else { return nil }
        defer { VSIFree(text) }
        return String(cString: text)
    }

    /// A path GDAL opens for `key` of `store` in place (a local path, or `/vsis3/...` with the
    /// store's options set for its prefix), or nil when GDAL cannot read the store directly.
    package static func path(of key: String, in store: any ProjectStore) -> String? {
        guard let access = store.directAccess else { return nil }
        // Scoped to the store's prefix, so several stores (other endpoints or credentials) can be
        // open at once; the options never go to logs. Without GDAL nothing can open the path:
        // whatever tries throws why GDAL is missing.
        if unavailable == nil {
            for (name, value) in access.options { VSISetPathSpecificOption(access.prefix, name, value) }
        }
        return access.path(key)
    }

    /// A path GDAL opens for a location a user wrote: local paths as they are, `http(s)://` through
    /// `/vsicurl/` (range reads, so a COG is read window by window), `s3://` through `/vsis3/`.
    package static func path(for location: String) -> String {
        if location.hasPrefix("http://") || location.hasPrefix("https://") { return "/vsicurl/" + location }
        if location.hasPrefix("s3://") { return "/vsis3/" + location.dropFirst("s3://".count) }
        return location
    }
}

/// A GDAL operation that failed: what was being done, on which file, and GDAL's own reason.
package struct RasterError: RetryableError, Sendable, Equatable {
    package var location: String
    package var message: String
    /// False when the input is the user's to fix (missing file, not a raster, wrong bands).
    package var isRetryable: Bool

    package init(_ location: String, _ message: String, retryable: Bool = true) {
        self.location = location
        self.message = message
        isRetryable = retryable
    }

    package var description: String { "\(location): \(message)" }
}
