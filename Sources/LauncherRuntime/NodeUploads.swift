import Foundation
import Launcher

/// What every node receives over SFTP: the file mounts (listed once, locally), the grow binaries
/// when they are copied, and the cluster token (mode 0600); the head of an aws cluster also gets
/// the cluster file and the key its autoscaler sets workers up with, and after a token rotation
/// every head the previous token, for its grace period.
package struct NodeUploads: Sendable {
    package struct Item: Sendable {
        /// Remote path as configured (may start with ~/).
        package var remote: String
        package var file: LocalFile
        /// Mode to give the remote file (nil: keep the local mode).
        package var mode: Int32?
    }

    package var items: [Item]
    /// Only for the head.
    package var headItems: [Item] = []
    /// Remote folders to create (as configured), parents first.
    package var directories: [String]
    /// Of what a worker receives: the same whether the laptop's `up` or the head's autoscaler
    /// sets it up, so neither redoes the other's set-up.
    package var digest: String
    package var headDigest: String

    package func items(for role: NodeIdentity.Role) -> [Item] { role == .head ? items + headItems : items }
    package func digest(for role: NodeIdentity.Role) -> String { role == .head ? headDigest : digest }

    package static func collect(context: ClusterContext, binaries: SetupOptions.Binaries, home: String)
        throws(LaunchError)
        -> NodeUploads
    {
        var items: [Item] = []
        var directories: [String] = ["~/.grow"]
        let config = context.config
        for mount in config.fileMounts {
            let local = ClusterContext.expand(mount.local, home: home)
            let listing: LocalTree.Listing
            do {
                listing = try LocalTree.list(local, excludes: config.rsyncExclude, filterFiles: config.rsyncFilter)
            } catch {
                throw LaunchError(
                    "\(context.configPath):\(mount.line): file_mounts.\(mount.remote): cannot read \(mount.local) (\(ClusterContext.reason(error)))"
                )
            }
            let base = mount.remote.hasSuffix("/") ? String(mount.remote.dropLast()) : mount.remote
            if listing.isDirectory {
                directories.append(base)
                directories += listing.directories.map { base + "/" + $0 }
                items += listing.files.map { Item(remote: base + "/" + $0.relativePath, file: $0, mode: nil) }
            } else {
                directories.append((base as NSString).deletingLastPathComponent)
                items += listing.files.map { Item(remote: base, file: $0, mode: nil) }
            }
        }
        if binaries == .copy {
            directories.append(NodeCommands.binDirectory)
            for name in ["grow-head", "grow-worker"] {
                let path = context.localBinaries + "/" + name
                guard let file = try? LocalTree.file(URL(fileURLWithPath: path), relative: name) else {
                    throw LaunchError(
                        "cannot find \(name) in \(context.localBinaries) to copy to the nodes (build it, or use --binaries image)"
                    )
                }
                items.append(Item(remote: NodeCommands.binDirectory + "/" + name, file: file, mode: 0o755))
            }
        }
        var headItems: [Item] = []
        if let previous = context.previousTokenFile,
            let file = try? LocalTree.file(URL(fileURLWithPath: previous), relative: "token.previous")
        {
            headItems.append(Item(remote: NodeCommands.growDirectory + "/token.previous", file: file, mode: 0o600))
        }
        if context.shipsClusterFileToHead {
            for (local, remote) in [
                (context.configPath, NodeCommands.clusterFile), (context.privateKey, NodeCommands.clusterKey),
            ] {
                guard let file = try? LocalTree.file(URL(fileURLWithPath: local), relative: remote) else {
                    throw LaunchError("cannot read \(local) to copy to the head")
                }
                headItems.append(Item(remote: remote, file: file, mode: 0o600))
            }
        }
        let tokenDigest = NodeSetupPlan.sha256("grow-token\n" + context.tokenSecret)
        let digest = NodeSetupPlan.sha256(
            LocalTree.digest(items.map { ($0.remote, $0.file) }) + "\n" + tokenDigest)
        let headDigest = NodeSetupPlan.sha256(digest + "\n" + LocalTree.digest(headItems.map { ($0.remote, $0.file) }))
        return NodeUploads(
            items: items, headItems: headItems, directories: directories.filter { !$0.isEmpty }, digest: digest,
            headDigest: headDigest)
    }
}
