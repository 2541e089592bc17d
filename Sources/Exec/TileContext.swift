/// One attempt of one tile, as the worker hands it to `TileExecutor.run`.
public struct TileContext: Sendable, Equatable {
    public var job: UInt32
    public var index: UInt32
    public var attempt: UInt32
    /// The tile's name (`spec.tiles.name(of: index)`).
    public var name: String
    /// Where a command tile runs (created if missing; empty: the worker's own directory).
    public var workDir: String

    public init(job: UInt32, index: UInt32, attempt: UInt32, name: String, workDir: String) {
        self.job = job
        self.index = index
        self.attempt = attempt
        self.name = name
        self.workDir = workDir
    }
}
