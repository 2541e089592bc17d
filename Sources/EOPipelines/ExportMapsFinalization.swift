import Foundation
import GDALRaster
import GrowJob

/// export_maps' final step, run by the head after the last tile: the maps of every UTM zone (and
/// time), merged from the finished patches' files (`MapMosaic`).
package enum ExportMapsFinalization {
    package static func step(for spec: JobSpec, finishedTiles: [String]) -> JobFinalization? {
        guard case .exportMaps(let parameters)? = spec.eo, !finishedTiles.isEmpty else { return nil }
        return JobFinalization(title: "merging the \(parameters.mapName) maps of \(finishedTiles.count) patches") {
            do {
                let outputs = try MapMosaic.build(spec: spec, finishedTiles: finishedTiles)
                if outputs.isEmpty { return .done(["the maps were merged by an earlier run of this step"]) }
                // One picture per zone for the dashboard (the first time's, for maps per time).
                var seen = Set<Int32>()
                let images = outputs.compactMap { output -> JobFinalization.Image? in
                    guard let png = output.quicklookPNG, seen.insert(output.epsg).inserted else { return nil }
                    return JobFinalization.Image(epsg: output.epsg, png: png)
                }
                return .done(
                    outputs.map { output in
                        "map EPSG:\(output.epsg)\(output.time.map { " \($0)" } ?? "") from \(output.tiles) patches in \(String(format: "%.2f", output.seconds)) s: \(output.mapKey)"
                            + (output.quicklookKey.map { ", quicklook \($0)" } ?? "")
                    }, images: images)
            } catch {
                return .failed("\(error)")
            }
        }
    }
}
