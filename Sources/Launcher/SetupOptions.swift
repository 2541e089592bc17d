/// What `grow-head up` was asked to do beyond the file.
public struct SetupOptions: Equatable, Sendable {
    /// How grow-head and grow-worker reach the node.
    public enum Binaries: String, Sendable, CaseIterable {
        /// Copied over SFTP from this machine's build into ~/.grow/bin (default without docker).
        case copy
        /// Already in the docker image (default with docker).
        case image
    }

    public enum Restart: Equatable, Sendable {
        /// Set up what changed, then (re)start grow: Ray's default.
        case always
        /// `--no-restart`: leave running nodes' processes alone (fresh nodes still start).
        case noRestart
        /// `--restart-only`: skip the set-up commands, only run the start commands.
        case restartOnly
    }

    public var binaries: Binaries
    public var restart: Restart

    public init(binaries: Binaries, restart: Restart = .always) {
        self.binaries = binaries
        self.restart = restart
    }

    /// copy without docker, image with it.
    public static func defaultBinaries(for config: ClusterConfig) -> Binaries {
        config.docker == nil ? .copy : .image
    }
}
