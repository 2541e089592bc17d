/// How a configured command becomes the line sent over SSH to a node: the environment grow gives
/// it (GROW_HEAD_IP and RAY_HEAD_IP on workers, grow's binaries on PATH), wrapped in `docker exec`
/// for commands that run in the container. Pure.
package struct NodeCommands: Equatable, Sendable {
    package let node: NodeIdentity
    package let headAddress: String
    package let docker: DockerCommands?
    /// Where grow keeps its files on the node (binaries in bin/, the token, logs).
    package static let growDirectory = "~/.grow"
    package static let binDirectory = "~/.grow/bin"
    /// What `up` leaves on the head of an aws cluster for its autoscaler (Ray's
    /// ~/ray_bootstrap_config.yaml and ~/ray_bootstrap_key.pem): `grow-head start --cluster`.
    package static let clusterFile = "~/.grow/cluster.yaml"
    package static let clusterKey = "~/.grow/cluster-key"

    package init(config: ClusterConfig, node: NodeIdentity) {
        self.node = node
        if case .local(let local) = config.provider {
            headAddress = local.headIP
        } else {
            headAddress = node.role == .head ? node.address : ""
        }
        docker = config.docker.map { DockerCommands(docker: $0, role: node.role, clusterName: config.clusterName) }
    }

    /// The environment prefix: Ray's `export RAY_HEAD_IP=...; ` for workers, grow's name too.
    static let pathPrefix = "export PATH=\"$HOME/.grow/bin:$PATH\"; "

    package var environmentPrefix: String {
        var prefix = Self.pathPrefix
        if node.role == .worker {
            prefix += "export GROW_HEAD_IP=\(headAddress); export RAY_HEAD_IP=\(headAddress); "
        }
        return prefix
    }

    /// A command on the host itself (initialization commands, docker's own commands, grow's).
    package func host(_ command: String) -> String {
        environmentPrefix + command
    }

    /// A set-up or start command: in the container when there is one, on the host otherwise.
    /// `home` is the container's home directory.
    package func inNode(_ command: String, containerHome: String) -> String {
        guard let docker else { return host(command) }
        // The docker command itself runs on the host, with the host's PATH (grow's bin first).
        return Self.pathPrefix + docker.exec(environmentPrefix + command, homeDirectory: containerHome)
    }

    /// The remote path a file mount's content is uploaded to: the path itself, or its staging
    /// place on the host when the container bind-mounts it.
    package func uploadPath(forRemote remote: String) -> String {
        guard let docker else { return remote }
        return docker.hostPath(forRemote: remote)
    }

    /// What `down` runs: grow's processes stopped, then the container.
    package var stopCommands: [String] {
        let stop = "grow-head daemon stop --all"
        guard let docker else { return [host(stop)] }
        return [
            Self.pathPrefix + docker.exec(environmentPrefix + stop, homeDirectory: "/root") + "|| true",
            Self.pathPrefix + docker.stop + " || true",
        ]
    }
}
