import Foundation
import XCTest

/// A path under the system temp folder that no other test (or test process) uses:
/// `grow-<name>-<pid>-<random>`. Not created.
package func uniqueTemporaryURL(_ name: String) -> URL {
    URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
        "grow-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
}

/// A fresh folder under the system temp folder, removed by the test's teardown.
package func makeScratchDirectory(_ test: XCTestCase, _ name: String = "test") throws -> String {
    let path = uniqueTemporaryURL(name).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}
