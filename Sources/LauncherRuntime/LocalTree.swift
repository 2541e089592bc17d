import Foundation
import Launcher

/// A local file to upload: where it is, where it goes (relative to the mount's remote path), and
/// what `FileSync` compares to skip unchanged files.
package struct LocalFile: Equatable, Sendable {
    package var url: URL
    package var relativePath: String
    package var size: UInt64
    package var modified: UInt64
    package var mode: Int32
}

/// Lists a file mount's local side (a file, or a folder walked recursively), leaving out what
/// `rsync_exclude` and the `rsync_filter` files exclude.
package enum LocalTree {
    package struct Listing: Sendable {
        package var files: [LocalFile]
        package var directories: [String]
        package var isDirectory: Bool
    }

    package static func list(_ path: String, excludes: [String], filterFiles: [String]) throws -> Listing {
        let root = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        guard isDirectory.boolValue else {
            return Listing(files: [try file(root, relative: "")], directories: [], isDirectory: false)
        }
        var listing = Listing(files: [], directories: [], isDirectory: true)
        try walk(root, relative: "", rules: RsyncExcludes(excludes), filterFiles: filterFiles, into: &listing)
        return listing
    }

    static func walk(
        _ folder: URL, relative: String, rules: RsyncExcludes, filterFiles: [String], into listing: inout Listing
    )
        throws
    {
        var rules = rules
        for name in filterFiles {
            if let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) {
                // A filter file's patterns apply below its own folder.
                rules.patterns += RsyncExcludes.filterFileLines(text).map { line in
                    let anchored = line.hasPrefix("/") && !relative.isEmpty ? "/" + relative + line : line
                    return RsyncPattern(anchored)
                }
            }
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        for name in names {
            let url = folder.appendingPathComponent(name)
            let path = relative.isEmpty ? name : relative + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
            if rules.excludes(path, isDirectory: isDirectory.boolValue) { continue }
            if isDirectory.boolValue {
                listing.directories.append(path)
                try walk(url, relative: path, rules: rules, filterFiles: filterFiles, into: &listing)
            } else {
                listing.files.append(try file(url, relative: path))
            }
        }
    }

    static func file(_ url: URL, relative: String) throws -> LocalFile {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        let modified = UInt64(max(0, (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0))
        let mode = Int32((attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o644)
        return LocalFile(url: url, relativePath: relative, size: size, modified: modified, mode: mode)
    }

    /// A digest of sizes and times, so a changed file changes the node's set-up hash.
    package static func digest(_ files: [(remote: String, file: LocalFile)]) -> String {
        let lines = files.map { "\($0.remote)\t\($0.file.size)\t\($0.file.modified)\t\($0.file.mode)" }.sorted()
        return NodeSetupPlan.sha256(lines.joined(separator: "\n"))
    }
}
