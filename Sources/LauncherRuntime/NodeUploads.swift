import Foundation
import Launcher

/// What every node receives over SFTP: the file mounts (listed once, locally), the grow binaries
/// when they are copied, and the cluster token (mode 0600; after a rotation the previous one too).
package struct NodeUploads: Sendable {
    package struct Item: Sendable {
        /// Remote path as configured (may start with ~/).
        package var remote: String
        package var file: LocalFile
        /// Mode to give the remote file (nil: keep the local mode).
        package var mode: Int32?
    }

    package var items: [Item]
    /// Remote folders to create (as configured), parents first.
    package var directories: [String]
    package var digest: String

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
        if let previous = context.previousTokenFile,
            let file = try? LocalTree.file(URL(fileURLWithPath: previous), relative: "token.previous")
        {
            items.append(Item(remote: NodeCommands.growDirectory + "/token.previous", file: file, mode: 0o600))
        }
        let tokenDigest = NodeSetupPlan.sha256("grow-token\n" + context.tokenSecret)
        let digest = NodeSetupPlan.sha256(
            LocalTree.digest(items.map { ($0.remote, $0.file) }) + "\n" + tokenDigest)
        return NodeUploads(items: items, directories: directories.filter { !$0.isEmpty }, digest: digest)
    }
}
