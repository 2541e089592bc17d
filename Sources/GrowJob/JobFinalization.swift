/// The step some pipelines take once every tile is done (export_maps: the mosaics per UTM zone
/// and their quicklooks). The head's command line supplies it: the head's runtime itself does no
/// raster work. Blocking work, so the head runs it off its event loop.
package struct JobFinalization: Sendable {
    package enum Outcome: Sendable, Equatable {
        /// Lines for the job's log.
        case done([String])
        case failed(String)
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
