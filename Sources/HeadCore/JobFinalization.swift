import Exec

/// The step some pipelines take once every tile is done, run by the head: for `export_maps`,
/// the per-zone mosaics and quicklooks. Blocking work, so the head runs it off its event loop.
struct JobFinalization: Sendable {
    enum Outcome: Sendable {
        /// Lines for the job's log.
        case done([String])
        case failed(String)
    }

    let title: String
    let run: @Sendable () -> Outcome

    static func step(for spec: JobSpec, finishedTiles: [String]) -> JobFinalization? {
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
