import Foundation
import Wire
import XCTest

/// `grow-head token rotate`'s files, and which tokens a head accepts during and after the grace.
final class TokenRotationTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("grow-rotate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    func testRotationWritesANewTokenAndKeepsThePreviousOneNextToIt() throws {
        let path = directory.appendingPathComponent("token").path
        let old = try ClusterToken(secret: ClusterToken.createTokenFile(at: path))
        XCTAssertEqual(try TokenFiles.load(path), AcceptedTokens(current: old), "no rotation yet")
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        try TokenFiles.rotate(path)
        let after = UInt64(Date().timeIntervalSince1970 * 1000)
        let tokens = try TokenFiles.load(path)
        XCTAssertNotEqual(tokens.current, old)
        XCTAssertEqual(tokens.previous, old)
        XCTAssertEqual(try ClusterToken.load(environment: [:], file: path), tokens.current, "workers read the new one")
        XCTAssertTrue((before - 1000)...(after + 1000) ~= tokens.rotatedAtUnixMs, "\(tokens.rotatedAtUnixMs)")
        XCTAssertEqual(try mode(path), 0o600)
        XCTAssertEqual(try mode(path + ".previous"), 0o600)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["token", "token.previous"])

        try TokenFiles.rotate(path)
        XCTAssertEqual(
            try TokenFiles.load(path).previous, tokens.current, "a second rotation retires the first's token")
    }

    func testRotationRefusesAMissingOrOpenTokenFile() throws {
        let path = directory.appendingPathComponent("token").path
        XCTAssertThrowsError(try TokenFiles.rotate(path))
        try "a-long-enough-cluster-secret\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        XCTAssertThrowsError(try TokenFiles.rotate(path)) { error in
            XCTAssertEqual(error as? TokenError, .fileTooOpen(path, mode: 0o644))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".previous"))
    }

    func testAnOpenPreviousFileIsRefusedToo() throws {
        let path = directory.appendingPathComponent("token").path
        _ = try ClusterToken.createTokenFile(at: path)
        try TokenFiles.rotate(path)
        chmod(path + ".previous", 0o640)
        XCTAssertThrowsError(try TokenFiles.load(path)) { error in
            XCTAssertEqual(error as? TokenError, .fileTooOpen(path + ".previous", mode: 0o640))
        }
    }

    func testThePreviousTokenIsAcceptedForTheGracePeriodOnly() throws {
        let new = try ClusterToken(secret: "the token after the rotation")
        let old = try ClusterToken(secret: "the token before the rotation")
        let tokens = AcceptedTokens(current: new, previous: old, rotatedAtUnixMs: 10_000)
        XCTAssertEqual(tokens.accepted(atUnixMs: 10_000, graceMs: 5000), [new, old])
        XCTAssertEqual(tokens.accepted(atUnixMs: 14_999, graceMs: 5000), [new, old])
        XCTAssertEqual(tokens.accepted(atUnixMs: 15_000, graceMs: 5000), [new])
        XCTAssertEqual(tokens.accepted(atUnixMs: 10_000, graceMs: 0), [new], "no grace: the old one ends at once")
        XCTAssertEqual(AcceptedTokens(current: new).accepted(atUnixMs: 0, graceMs: 5000), [new])
    }
}
