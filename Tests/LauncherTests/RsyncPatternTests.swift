import Launcher
import XCTest

final class RsyncPatternTests: XCTestCase {
    func testTheGuidesGitExcludes() {
        let excludes = RsyncExcludes(["**/.git", "**/.git/**"])
        XCTAssertTrue(excludes.excludes("repo/.git", isDirectory: true))
        XCTAssertTrue(excludes.excludes("repo/.git/objects/ab", isDirectory: false))
        XCTAssertTrue(excludes.excludes(".git", isDirectory: true), "** also matches nothing")
        XCTAssertFalse(excludes.excludes("repo/.gitignore", isDirectory: false))
        XCTAssertFalse(excludes.excludes("repo/src/main.py", isDirectory: false))
    }

    func testComponentAndAnchoredPatterns() {
        XCTAssertTrue(RsyncPattern("*.pyc").matches("a/b/c.pyc", isDirectory: false))
        XCTAssertFalse(RsyncPattern("*.pyc").matches("a/b/c.py", isDirectory: false))
        XCTAssertTrue(RsyncPattern("/build").matches("build", isDirectory: true))
        XCTAssertFalse(RsyncPattern("/build").matches("src/build", isDirectory: true))
        XCTAssertTrue(RsyncPattern("cache/").matches("x/cache", isDirectory: true))
        XCTAssertFalse(RsyncPattern("cache/").matches("x/cache", isDirectory: false))
        XCTAssertTrue(RsyncPattern("data/*.tif").matches("project/data/a.tif", isDirectory: false))
        XCTAssertFalse(RsyncPattern("data/*.tif").matches("project/data/sub/a.tif", isDirectory: false))
        XCTAssertTrue(RsyncPattern("fil?.txt").matches("file.txt", isDirectory: false))
        XCTAssertEqual(RsyncExcludes.filterFileLines("# c\n*.log\n\n!keep.log\n/out/\n"), ["*.log", "/out/"])
    }
}
