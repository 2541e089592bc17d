/// A cluster.yaml in Ray's format, parsed and checked (see `ClusterConfigParser`). Pure data: no
/// file or network access happens here.
public struct ClusterConfig: Equatable, Sendable {
    /// The file it came from, for messages.
    public var source: String
    public var clusterName: String
    public var maxWorkers: Int?
    public var upscalingSpeed: Double
    public var idleTimeoutMinutes: Double
    public var provider: ProviderConfig
    public var auth: AuthConfig
    /// Nil when the file has no docker section, an empty one, or one without an image.
    public var docker: DockerConfig?
    public var availableNodeTypes: [NodeTypeConfig]
    public var headNodeType: String?
    /// Remote path → local path, in file order.
    public var fileMounts: [FileMount]
    public var clusterSyncedFiles: [String]
    public var fileMountsSyncContinuously: Bool
    public var rsyncExclude: [String]
    public var rsyncFilter: [String]
    public var initializationCommands: [String]
    public var setupCommands: [String]
    public var headSetupCommands: [String]
    public var workerSetupCommands: [String]
    /// `head_start_commands` or Ray's `head_start_ray_commands`.
    public var headStartCommands: [String]
    public var workerStartCommands: [String]
    /// Which spelling the file used for the start commands, for messages.
    public var startCommandsUseRayKeys = false

    public init(
        source: String, clusterName: String, provider: ProviderConfig, auth: AuthConfig, docker: DockerConfig? = nil
    ) {
        self.source = source
        self.clusterName = clusterName
        self.maxWorkers = nil
        self.upscalingSpeed = 1
        self.idleTimeoutMinutes = 5
        self.provider = provider
        self.auth = auth
        self.docker = docker
        self.availableNodeTypes = []
        self.headNodeType = nil
        self.fileMounts = []
        self.clusterSyncedFiles = []
        self.fileMountsSyncContinuously = false
        self.rsyncExclude = []
        self.rsyncFilter = []
        self.initializationCommands = []
        self.setupCommands = []
        self.headSetupCommands = []
        self.workerSetupCommands = []
        self.headStartCommands = []
        self.workerStartCommands = []
    }

    public func startCommandsKey(_ role: NodeIdentity.Role) -> String {
        "\(role.rawValue)_start\(startCommandsUseRayKeys ? "_ray" : "")_commands"
    }

    /// The nodes `up` sets up, head first. Only `provider: local` names its nodes in the file.
    public var nodes: [NodeIdentity] {
        guard case .local(let local) = provider else { return [] }
        return [NodeIdentity(role: .head, address: local.headIP)]
            + local.workerIPs.map { NodeIdentity(role: .worker, address: $0) }
    }
}

/// One entry of `file_mounts`: what to copy (`local`) and where it lands on the node (`remote`).
public struct FileMount: Equatable, Sendable {
    public var remote: String
    public var local: String
    /// Line of the entry in cluster.yaml, for messages about it.
    public var line: Int

    public init(remote: String, local: String, line: Int = 0) {
        self.remote = remote
        self.local = local
        self.line = line
    }
}

/// `auth`: how the launcher logs in to the nodes.
public struct AuthConfig: Equatable, Sendable {
    public var sshUser: String
    /// As written (may start with `~`).
    public var sshPrivateKey: String?
    public var sshPort: Int
    /// Line of `ssh_private_key`, for messages about the key file.
    public var privateKeyLine: Int

    public init(sshUser: String, sshPrivateKey: String?, sshPort: Int = 22, privateKeyLine: Int = 0) {
        self.sshUser = sshUser
        self.sshPrivateKey = sshPrivateKey
        self.sshPort = sshPort
        self.privateKeyLine = privateKeyLine
    }
}

/// A node as the launcher addresses it.
public struct NodeIdentity: Hashable, Sendable, CustomStringConvertible {
    public enum Role: String, Sendable { case head, worker }
    public var role: Role
    public var address: String

    public init(role: Role, address: String) {
        self.role = role
        self.address = address
    }

    public var description: String { "\(role) \(address)" }
}
