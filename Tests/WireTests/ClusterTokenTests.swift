import Foundation
import Wire
import XCTest

final class ClusterTokenTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("grow-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testCreatedTokenFileIsPrivateAndLoads() throws {
        let path = directory.appendingPathComponent("token").path
        let secret = try ClusterToken.createTokenFile(at: path)
        XCTAssertEqual(secret.count, 64)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertNoThrow(try ClusterToken.load(environment: [:], file: path))
        XCTAssertThrowsError(try ClusterToken.createTokenFile(at: path), "an existing token file is never overwritten")
    }

    func testTokenFileReadableByOthersIsRefused() throws {
        let path = directory.appendingPathComponent("open-token").path
        try "a-long-enough-cluster-secret\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        XCTAssertThrowsError(try ClusterToken.load(environment: [:], file: path)) { error in
            XCTAssertEqual(error as? TokenError, .fileTooOpen(path, mode: 0o644))
            XCTAssertTrue("\(error)".contains("chmod 600"))
        }
    }

    func testEnvironmentWinsAndShortTokensAreRefused() throws {
        XCTAssertNoThrow(try ClusterToken.load(environment: ["GROW_TOKEN": "sixteen-chars-ok"], file: "/nonexistent"))
        XCTAssertThrowsError(try ClusterToken.load(environment: ["GROW_TOKEN": "short"], file: nil)) { error in
            XCTAssertEqual(error as? TokenError, .tooShort(16))
        }
        XCTAssertThrowsError(try ClusterToken.load(environment: [:], file: nil)) { error in
            XCTAssertEqual(error as? TokenError, .missing)
        }
        XCTAssertThrowsError(
            try ClusterToken.load(environment: [:], file: directory.appendingPathComponent("none").path)
        ) {
            error in
            guard case .unreadableFile = error as? TokenError else { return XCTFail("\(error)") }
        }
    }
}
