/// One attempt of one tile, as the worker hands it to `TileExecutor.run`.
package struct TileContext: Sendable, Equatable {
    package var job: UInt32
    package var index: UInt32
    package var attempt: UInt32
    /// The tile's name (`spec.tiles.name(of: index)`).
    package var name: String
    /// Where a command tile runs (created if missing; empty: the worker's own directory).
    package var workDir: String

    package init(job: UInt32, index: UInt32, attempt: UInt32, name: String, workDir: String) {
        self.job = job
        self.index = index
        self.attempt = attempt
        self.name = name
        self.workDir = workDir
    }
}
