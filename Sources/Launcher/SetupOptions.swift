/// What `grow-head up` was asked to do beyond the file.
package struct SetupOptions: Equatable, Sendable {
    /// How grow-head and grow-worker reach the node.
    package enum Binaries: String, Sendable, CaseIterable {
        /// Copied over SFTP from this machine's build into ~/.grow/bin (default without docker).
        case copy
        /// Already in the docker image (default with docker).
        case image
    }

    package enum Restart: Equatable, Sendable {
        /// Set up what changed, then (re)start grow: Ray's default.
        case always
        /// `--no-restart`: leave running nodes' processes alone (fresh nodes still start).
        case noRestart
        /// `--restart-only`: skip the set-up commands, only run the start commands.
        case restartOnly
    }

    package var binaries: Binaries
    package var restart: Restart

    package init(binaries: Binaries, restart: Restart = .always) {
        self.binaries = binaries
        self.restart = restart
    }

    /// copy without docker, image with it.
    package static func defaultBinaries(for config: ClusterConfig) -> Binaries {
        config.docker == nil ? .copy : .image
    }
}
