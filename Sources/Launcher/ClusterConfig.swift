/// A cluster.yaml in Ray's format, parsed and checked (see `ClusterConfigParser`). Pure data: no
/// file or network access happens here.
package struct ClusterConfig: Equatable, Sendable {
    /// The file it came from, for messages.
    package var source: String
    package var clusterName: String
    package var maxWorkers: Int?
    package var upscalingSpeed: Double
    package var idleTimeoutMinutes: Double
    package var provider: ProviderConfig
    package var auth: AuthConfig
    /// Nil when the file has no docker section, an empty one, or one without an image.
    package var docker: DockerConfig?
    package var availableNodeTypes: [NodeTypeConfig]
    package var headNodeType: String?
    /// Remote path → local path, in file order.
    package var fileMounts: [FileMount]
    package var clusterSyncedFiles: [String]
    package var fileMountsSyncContinuously: Bool
    package var rsyncExclude: [String]
    package var rsyncFilter: [String]
    package var initializationCommands: [String]
    package var setupCommands: [String]
    package var headSetupCommands: [String]
    package var workerSetupCommands: [String]
    /// `head_start_commands` or Ray's `head_start_ray_commands`.
    package var headStartCommands: [String]
    package var workerStartCommands: [String]
    /// Which spelling the file used for the start commands, for messages.
    package var startCommandsUseRayKeys = false

    package init(
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

    package func startCommandsKey(_ role: NodeIdentity.Role) -> String {
        "\(role.rawValue)_start\(startCommandsUseRayKeys ? "_ray" : "")_commands"
    }

    /// The nodes `up` sets up, head first. Only `provider: local` names its nodes in the file (an
    /// aws cluster's are resolved into one, `EC2ClusterOperations`). The head is reached at
    /// `external_head_ip` when set; the workers join it at `head_ip`.
    package var nodes: [NodeIdentity] {
        guard case .local(let local) = provider else { return [] }
        return [NodeIdentity(role: .head, address: local.externalHeadIP ?? local.headIP)]
            + local.workerIPs.map { NodeIdentity(role: .worker, address: $0) }
    }
}

/// One entry of `file_mounts`: what to copy (`local`) and where it lands on the node (`remote`).
package struct FileMount: Equatable, Sendable {
    package var remote: String
    package var local: String
    /// Line of the entry in cluster.yaml, for messages about it.
    package var line: Int

    package init(remote: String, local: String, line: Int = 0) {
        self.remote = remote
        self.local = local
        self.line = line
    }
}

/// `auth`: how the launcher logs in to the nodes.
package struct AuthConfig: Equatable, Sendable {
    package var sshUser: String
    /// As written (may start with `~`).
    package var sshPrivateKey: String?
    package var sshPort: Int
    /// Line of `ssh_private_key`, for messages about the key file.
    package var privateKeyLine: Int

    package init(sshUser: String, sshPrivateKey: String?, sshPort: Int = 22, privateKeyLine: Int = 0) {
        self.sshUser = sshUser
        self.sshPrivateKey = sshPrivateKey
        self.sshPort = sshPort
        self.privateKeyLine = privateKeyLine
    }
}

/// A node as the launcher addresses it.
package struct NodeIdentity: Hashable, Sendable, CustomStringConvertible {
    package enum Role: String, Sendable { case head, worker }
    package var role: Role
    package var address: String

    package init(role: Role, address: String) {
        self.role = role
        self.address = address
    }

    package var description: String { "\(role) \(address)" }
}
