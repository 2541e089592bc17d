/// `docker`: run every set-up and start command inside one container per node, as Ray does.
package struct DockerConfig: Equatable, Sendable {
    package var image: String?
    package var headImage: String?
    package var workerImage: String?
    package var containerName: String
    /// Ray's default is true.
    package var pullBeforeRun: Bool
    package var runOptions: [String]
    package var headRunOptions: [String]
    package var workerRunOptions: [String]
    package var usePodman: Bool

    package init(
        image: String?, containerName: String, pullBeforeRun: Bool = true, runOptions: [String] = [],
        headImage: String? = nil, workerImage: String? = nil, headRunOptions: [String] = [],
        workerRunOptions: [String] = [], usePodman: Bool = false
    ) {
        self.image = image
        self.headImage = headImage
        self.workerImage = workerImage
        self.containerName = containerName
        self.pullBeforeRun = pullBeforeRun
        self.runOptions = runOptions
        self.headRunOptions = headRunOptions
        self.workerRunOptions = workerRunOptions
        self.usePodman = usePodman
    }

    /// The image a node of this role runs (`head_image`/`worker_image` win over `image`).
    package func image(for role: NodeIdentity.Role) -> String {
        switch role {
        case .head: return headImage ?? image ?? ""
        case .worker: return workerImage ?? image ?? ""
        }
    }

    /// `run_options` followed by the role's own options, in Ray's order.
    package func runOptions(for role: NodeIdentity.Role) -> [String] {
        runOptions + (role == .head ? headRunOptions : workerRunOptions)
    }

    package var command: String { usePodman ? "podman" : "docker" }
}
