import Foundation
import GrowTestSupport
import LauncherRuntime
import XCTest

/// What a file mount sends: rsync_exclude and the rsync_filter files (.gitignore) applied.
final class LocalTreeTests: XCTestCase {
    func testExcludesAndGitignoreFilesAreLeftOut() throws {
        let root = uniqueTemporaryURL("tree")
        defer { try? FileManager.default.removeItem(at: root) }
        let files = [
            "main.py", "data/a.tif", "data/b.tmp", ".git/HEAD", "sub/.git/config", "sub/keep.txt", "sub/out/x.bin",
            "sub/.gitignore",
        ]
        for file in files {
            let url = root.appendingPathComponent(file)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.utf8).write(to: url)
        }
        try "*.tmp\n".write(to: root.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
        try "# build output\n/out/\n".write(
            to: root.appendingPathComponent("sub/.gitignore"), atomically: true, encoding: .utf8)
        let listing = try LocalTree.list(root.path, excludes: ["**/.git", "**/.git/**"], filterFiles: [".gitignore"])
        XCTAssertEqual(
            listing.files.map(\.relativePath).sorted(),
            [".gitignore", "data/a.tif", "main.py", "sub/.gitignore", "sub/keep.txt"])
        XCTAssertEqual(listing.directories.sorted(), ["data", "sub"])
        XCTAssertTrue(listing.isDirectory)
        // A changed file changes the digest that decides whether a node's set-up is redone.
        let before = LocalTree.digest(listing.files.map { ("~/p/" + $0.relativePath, $0) })
        var touched = listing.files
        touched[0].modified += 1
        XCTAssertNotEqual(before, LocalTree.digest(touched.map { ("~/p/" + $0.relativePath, $0) }))
    }
}
