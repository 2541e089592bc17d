/// The step some pipelines take once every tile is done (export_maps: the mosaics per UTM zone
/// and their quicklooks). The head's command line supplies it: the head's runtime itself does no
/// raster work. Blocking work, so the head runs it off its event loop.
package struct JobFinalization: Sendable {
    package enum Outcome: Sendable, Equatable {
        /// Lines for the job's log, and the pictures of what it made (for the dashboard).
        case done([String], images: [Image] = [])
        case failed(String)
    }

    /// A small picture of one UTM zone's map (export_maps' quicklook PNG).
    package struct Image: Sendable, Equatable {
        package var epsg: Int32
        package var png: [UInt8]

        package init(epsg: Int32, png: [UInt8]) {
            self.epsg = epsg
            self.png = png
        }
    }

    package let title: String
    package let run: @Sendable () -> Outcome

    package init(title: String, run: @escaping @Sendable () -> Outcome) {
        self.title = title
        self.run = run
    }
}

/// Finds a job's final step; nil when it has none.
package typealias JobFinalizer = @Sendable (_ spec: JobSpec, _ finishedTiles: [String]) -> JobFinalization?
