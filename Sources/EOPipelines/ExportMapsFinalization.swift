import GDALRaster
import GrowJob

/// export_maps' final step, run by the head after the last tile: one mosaic per UTM zone and a
/// quicklook, from the maps of the finished tiles.
package enum ExportMapsFinalization {
    package static func step(for spec: JobSpec, finishedTiles: [String]) -> JobFinalization? {
        guard case .exportMaps(let parameters)? = spec.eo, !finishedTiles.isEmpty else { return nil }
        return JobFinalization(title: "building the \(parameters.mapStem) mosaics from \(finishedTiles.count) tiles") {
            do {
                let outputs = try MapMosaic.build(spec: spec, finishedTiles: finishedTiles)
                return .done(
                    outputs.map { output in
                        "mosaic EPSG:\(output.epsg) from \(output.tiles) tiles: \(output.mosaicKey)"
                            + (output.quicklookKey.map { ", quicklook \($0)" } ?? "")
                    })
            } catch {
                return .failed("\(error)")
            }
        }
    }
}
