import Foundation
import Launcher

/// Everything `up`, `down`, `exec`, `attach`, `submit` and `status` share about a cluster: the
/// checked config, the key, where grow keeps local state, the files every node receives.
package struct ClusterContext: Sendable {
    package var config: ClusterConfig
    package var configPath: String
    package var warnings: [ConfigDiagnostic]
    package var privateKey: String
    package var knownHostsFile: String
    package var policy: KnownHostsPolicy
    /// Seconds to keep retrying a node that does not answer on SSH.
    package var sshTimeout: Double
    package var localGrowDirectory: String
    /// Folder holding grow-head and grow-worker to copy (binaries: copy).
    package var localBinaries: String
    package var tokenSecret: String
    /// Where `tokenSecret` came from, if a file: a head's autoscaler reads it again for every
    /// worker it sets up, so one launched after `grow-head token rotate` gets the current token.
    package var tokenFile: String? = nil
    /// The head receives the cluster file and key for its autoscaler (an aws cluster's, once its
    /// instances are resolved into nodes).
    package var shipsClusterFileToHead = false
    /// After `grow-head token rotate`: the local file with the previous token, sent to the head
    /// as ~/.grow/token.previous (its time kept: the head's grace period counts from it).
    package var previousTokenFile: String? = nil

    package var logDirectory: String { localGrowDirectory + "/clusters/\(config.clusterName)/logs" }

    /// Reads and checks cluster.yaml and the key file. `home` is this machine's home directory.
    /// `onHead`: the copy `up` left on the head (`NodeCommands.clusterFile`), for the head's
    /// autoscaler: the key is the one `up` put beside it, and each file mount's source is its
    /// copy on the head (workers it launches get them from there, as Ray's do).
    package static func load(
        path: String, home: String, tokenSecret: String, localBinaries: String, policy: KnownHostsPolicy,
        sshTimeout: Double, onHead: Bool = false
    ) throws(LaunchError) -> ClusterContext {
        let name = path
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LaunchError("\(name): cannot read it (\(Self.reason(error)))")
        }
        let parsed: ClusterConfigParser.Result
        do {
            parsed = try ClusterConfigParser.parse(yaml: text, file: name)
        } catch {
            throw LaunchError(error.description)
        }
        var config = parsed.config
        if onHead {
            config.auth.sshPrivateKey = NodeCommands.clusterKey
            config.fileMounts = config.fileMounts.map { FileMount(remote: $0.remote, local: $0.remote, line: $0.line) }
        }
        let keyLine = config.auth.privateKeyLine
        let keyPlace = keyLine > 0 ? "\(name):\(keyLine)" : name
        guard let written = config.auth.sshPrivateKey else {
            throw LaunchError(
                "\(name): auth.ssh_private_key: missing: grow logs in with a key file (ed25519 or ECDSA), add its path")
        }
        let key = Self.expand(written, home: home)
        let keyText: String
        do {
            keyText = try String(contentsOfFile: key, encoding: .utf8)
        } catch {
            throw LaunchError("\(keyPlace): auth.ssh_private_key: cannot read \(written) (\(Self.reason(error)))")
        }
        if let problem = PrivateKeyKind.inspect(keyText).problem {
            throw LaunchError("\(keyPlace): auth.ssh_private_key: \(written) \(problem)")
        }
        for mount in config.fileMounts {
            let local = Self.expand(mount.local, home: home)
            guard FileManager.default.fileExists(atPath: local) else {
                throw LaunchError(
                    "\(name):\(mount.line): file_mounts.\(mount.remote): the local path \(mount.local) does not exist")
            }
        }
        return ClusterContext(
            config: config, configPath: path, warnings: parsed.warnings, privateKey: key,
            knownHostsFile: home + "/.grow/known_hosts", policy: policy, sshTimeout: sshTimeout,
            localGrowDirectory: home + "/.grow", localBinaries: localBinaries, tokenSecret: tokenSecret)
    }

    /// For an aws cluster, this context with its running instances as the nodes (found by their
    /// tags); a local cluster's nodes are in the file already.
    package func withLiveNodes() throws(LaunchError) -> ClusterContext {
        guard case .aws = config.provider else { return self }
        let provider = try EC2NodeProvider(config: config, ec2: EC2NodeProvider.client(config: config))
        return try EC2ClusterOperations.liveContext(self, provider: provider)
    }

    package func target(_ node: NodeIdentity) -> SSHTarget {
        SSHTarget(
            host: node.address, port: config.auth.sshPort, user: config.auth.sshUser, privateKey: privateKey,
            knownHostsFile: knownHostsFile, policy: policy)
    }

    package var head: NodeIdentity? { config.nodes.first }

    static func expand(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }

    static func reason(_ error: Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
            case .fileReadNoPermission: return "permission denied"
            default: break
            }
        }
        return error.localizedDescription
    }
}
