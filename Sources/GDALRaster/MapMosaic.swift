import CGDAL
import Foundation
import GrowBase
import GrowJob
import ProjectStorage
import Synchronization

/// export_maps' final step on the head: the patches' GeoTIFFs merged into one map per UTM zone
/// (and time), as eo-grow merges them: gdalwarp into a BigTIFF with LZW compression in 256-pixel
/// tiles (`-ot` the map's type, `-dstnodata`, `-r warp_resampling`), then with `cogify` a COG
/// (DEFLATE, 1024-pixel blocks, overviews). The maps are built `merge_workers` at a time (all
/// cores by default); the patch files are removed once every map is written.
package enum MapMosaic {
    package struct Output: Sendable, Equatable {
        package var epsg: Int32
        package var time: String?
        package var tiles: Int
        package var mapKey: String
        package var quicklookKey: String?
        /// The quicklook's bytes (at most 1024 pixels a side), for the dashboard.
        package var quicklookPNG: [UInt8]?
        /// How long building this map took.
        package var seconds: Double
    }

    package static func build(spec: JobSpec, finishedTiles: [String]) throws -> [Output] {
        guard case .exportMaps(let parameters)? = spec.eo, let projectFolder = spec.projectFolder else { return [] }
        try GDAL.load { RasterError(projectFolder.description, $0) }
        let storage = try projectFolder.openStore(spec.storageSettings)
        let output = spec.folder(forKey: parameters.outputFolderKey) ?? parameters.outputFolderKey
        let existing = Set(try storage.list(prefix: output + "/").map(\.key))
        let ordered = finishedTiles.map { ($0, spec.tiles.index(named: $0) ?? UInt32.max) }.sorted { $0.1 < $1.1 }
        var patches: [(name: String, epsg: Int32)] = []
        for (name, index) in ordered {
            patches.append((name, try zone(of: name, index: index, spec: spec, parameters, output, existing, storage)))
        }
        let (groups, missing) = ExportMapsLayout.groups(
            parameters, output: output, patches: patches, existing: existing)
        if !missing.isEmpty {
            // Every patch file gone and maps there: an earlier run of this step got past writing them.
            let mapsThere = existing.contains {
                $0.hasPrefix(output + "/UTM_") && $0.hasSuffix("/" + parameters.mapName)
            }
            guard groups.isEmpty, missing.count == patches.count, mapsThere else {
                throw RasterError(
                    output, "no exported file of \(missing.count) finished patches (e.g. \(missing[0]))",
                    retryable: false)
            }
            return []
        }
        let results = Mutex([Result<Output, any Error>?](repeating: nil, count: groups.count))
        let width = parameters.mergeWorkers ?? ProcessInfo.processInfo.activeProcessorCount
        runConcurrently(count: groups.count, width: width, stackSize: 4 << 20) { index in
            let result = Result { try merge(groups[index], parameters, storage: storage, local: projectFolder.isLocal) }
            results.withLock { $0[index] = result }
        }
        let outputs = try results.withLock { $0 }.map { try ($0 ?? .failure(RasterError(output, "not merged"))).get() }
        let keys = groups.flatMap(\.keys)
        let failures = Mutex<[any Error]>([])
        runConcurrently(count: keys.count, width: transfers, stackSize: 4 << 20) { index in
            do { try storage.delete(keys[index]) } catch { failures.withLock { $0.append(error) } }
        }
        if let failure = failures.withLock({ $0.first }) { throw failure }
        return outputs
    }

    /// A patch's UTM zone: from the area grid, else from where its files are.
    private static func zone(
        of name: String, index: UInt32, spec: JobSpec, _ parameters: ExportMapsParameters, _ output: String,
        _ existing: Set<String>, _ storage: any ProjectStore
    ) throws -> Int32 {
        if Int(index) < spec.tiles.areaTiles.count { return spec.tiles.areaTiles[Int(index)].epsg }
        if parameters.splitsTime {
            for key in existing where key.hasPrefix(output + "/UTM_") {
                let parts = key.dropFirst(output.count + 5).split(separator: "/")
                guard parts.count == 2, let epsg = Int32(parts[0]),
                    ExportMapsLayout.splitTime(parameters, fileName: String(parts[1]), patch: name, epsg: epsg) != nil
                else { continue }
                return epsg
            }
            return 0
        }
        let key = ExportMapsLayout.patchKey(parameters, output: output, patch: name)
        guard existing.contains(key) else { return 0 }
        return try RasterWriter.withTemporaryFolder { temporary in
            let local = try localPath(key, storage: storage, in: temporary)
            return try RasterSource(local).epsg ?? 0
        }
    }

    /// Patch files downloaded (from S3) or deleted at once.
    static let transfers = 16

    /// Builds one map in a private temporary folder and uploads it.
    static func merge(
        _ group: MapMergeGroup, _ parameters: ExportMapsParameters, storage: any ProjectStore, local: Bool
    )
        throws -> Output
    {
        let start = Clock.monotonicMs()
        return try RasterWriter.withTemporaryFolder { temporary in
            let sources = try localCopies(group.keys, storage: storage, local: local, in: temporary)
            let merged = temporary + "/merged.tiff"
            try warp(sources, to: merged, parameters, work: temporary)
            var map = merged
            if parameters.cogify {
                map = temporary + "/map.tiff"
                try MapCommands.translate(merged, to: map, arguments: MapCommands.cogArguments(parameters))
            }
            try storage.upload(group.mapKey, fromFile: map)
            var quicklookKey: String?
            var quicklookPNG: [UInt8]?
            if parameters.quicklook != .none {
                let png = temporary + "/quicklook.png"
                try Quicklook.write(of: map, to: png, style: parameters.quicklook, work: temporary)
                quicklookKey = (group.mapKey as NSString).deletingPathExtension + ".png"
                try storage.upload(quicklookKey ?? "", fromFile: png)
                quicklookPNG = FileManager.default.contents(atPath: png).map { [UInt8]($0) }
            }
            return Output(
                epsg: group.epsg, time: group.time, tiles: group.keys.count, mapKey: group.mapKey,
                quicklookKey: quicklookKey, quicklookPNG: quicklookPNG,
                seconds: Double(Clock.monotonicMs() - start) / 1000)
        }
    }

    /// gdalwarp of the sources into `path`; over a VRT when they are many (as eo-grow does past
    /// 1000 files), so no more files are open than that.
    static func warp(_ sources: [String], to path: String, _ parameters: ExportMapsParameters, work: String) throws {
        var inputs = sources
        if sources.count > 1000 {
            let vrt = work + "/merged.vrt"
            try MapCommands.buildVRT(vrt, from: sources)
            inputs = [vrt]
        }
        try MapCommands.warp(inputs, to: path, arguments: MapCommands.warpArguments(parameters))
    }

    /// Paths GDAL reads the patch files at: in place for a local project, else downloaded
    /// (eo-grow copies them to a local folder too), `transfers` at a time.
    private static func localCopies(_ keys: [String], storage: any ProjectStore, local: Bool, in temporary: String)
        throws -> [String]
    {
        if local { return try keys.map { try localPath($0, storage: storage, in: temporary) } }
        let failures = Mutex<[any Error]>([])
        runConcurrently(count: keys.count, width: transfers, stackSize: 4 << 20) { index in
            do { try storage.download(keys[index], toFile: temporary + "/\(index).tiff") } catch {
                failures.withLock { $0.append(error) }
            }
        }
        if let failure = failures.withLock({ $0.first }) { throw failure }
        return keys.indices.map { temporary + "/\($0).tiff" }
    }

    private static func localPath(_ key: String, storage: any ProjectStore, in temporary: String) throws -> String {
        if let path = GDAL.path(of: key, in: storage), !path.hasPrefix("/vsi") { return path }
        return try download(key, storage: storage, to: temporary + "/" + (key as NSString).lastPathComponent)
    }

    private static func download(_ key: String, storage: any ProjectStore, to path: String) throws -> String {
        try storage.download(key, toFile: path)
        return path
    }
}
