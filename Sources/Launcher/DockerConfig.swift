/// `docker`: run every set-up and start command inside one container per node, as Ray does.
public struct DockerConfig: Equatable, Sendable {
    public var image: String?
    public var headImage: String?
    public var workerImage: String?
    public var containerName: String
    /// Ray's default is true.
    public var pullBeforeRun: Bool
    public var runOptions: [String]
    public var headRunOptions: [String]
    public var workerRunOptions: [String]
    public var usePodman: Bool

    public init(
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
    public func image(for role: NodeIdentity.Role) -> String {
        switch role {
        case .head: return headImage ?? image ?? ""
        case .worker: return workerImage ?? image ?? ""
        }
    }

    /// `run_options` followed by the role's own options, in Ray's order.
    public func runOptions(for role: NodeIdentity.Role) -> [String] {
        runOptions + (role == .head ? headRunOptions : workerRunOptions)
    }

    public var command: String { usePodman ? "podman" : "docker" }
}
