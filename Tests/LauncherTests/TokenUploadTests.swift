import Foundation
import Launcher
import LauncherRuntime
import XCTest

/// After `grow-head token rotate`, `up` sends the previous token to the head, with its time (the
/// head's grace period counts from it), and nothing new to the workers.
final class TokenUploadTests: XCTestCase {
    func testThePreviousTokenGoesToTheHeadOnlyWithItsTime() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "grow-token-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("id_ed25519")
        try TestSSHServer.keygen(type: "ed25519", at: key)
        let cluster = directory.appendingPathComponent("cluster.yaml")
        try """
        cluster_name: tokens
        provider:
            type: local
            head_ip: 192.0.2.10
            worker_ips: [192.0.2.11]
        auth:
            ssh_user: grow
            ssh_private_key: \(key.path)
        """.write(to: cluster, atomically: true, encoding: .utf8)
        var context = try ClusterContext.load(
            path: cluster.path, home: directory.path, tokenSecret: "the-cluster-token-after-the-rotation",
            localBinaries: directory.path, policy: .acceptNew, sshTimeout: 1)
        let before = try NodeUploads.collect(context: context, binaries: .image, home: directory.path)

        let previous = directory.appendingPathComponent("token.previous")
        try "the-cluster-token-before-the-rotation\n".write(to: previous, atomically: true, encoding: .utf8)
        let rotatedAt = Date(timeIntervalSince1970: 1_790_000_000)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o600, .modificationDate: rotatedAt], ofItemAtPath: previous.path)
        context.previousTokenFile = previous.path
        let after = try NodeUploads.collect(context: context, binaries: .image, home: directory.path)

        let sent = after.items(for: .head).filter { $0.remote == "~/.grow/token.previous" }
        XCTAssertEqual(sent.count, 1)
        XCTAssertEqual(sent.first?.mode, 0o600)
        XCTAssertEqual(sent.first?.file.modified, 1_790_000_000, "its time goes with it")
        XCTAssertFalse(after.items(for: .worker).contains { $0.remote.hasSuffix("token.previous") })
        XCTAssertEqual(after.digest(for: .worker), before.digest(for: .worker), "a worker's set-up is unchanged")
        XCTAssertNotEqual(after.digest(for: .head), before.digest(for: .head), "the head's is done again")
    }
}
