import Foundation
import GrowTestSupport
import XCTest

/// libgdal, libcurl and libssh2 are not linked but dlopen()ed on first use (Sources/CLazyLibrary):
/// an idle head and a connected idle worker map none of them (with them would come ~140 libraries
/// and several MB of resident memory), and a command that needs one it cannot load says in one
/// line what to install, rather than crashing.
final class LazyLibraryTests: XCTestCase {
    func testIdleHeadAndWorkerMapNoLazyLibrary() throws {
        let cluster = try ClusterHarness(name: "lazy")
        let head = try cluster.startHead()
        let worker = try cluster.startWorker("lazy", slots: 1)
        let deadline = Date().addingTimeInterval(30)
        while !cluster.log("worker-lazy").contains("connected to the head"), worker.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(cluster.log("worker-lazy").contains("connected to the head"), cluster.log("worker-lazy"))

        for (name, process) in [("grow-head", head), ("grow-worker", worker)] {
            let libraries = try mappedLibraries(process.processIdentifier)
            XCTAssertTrue(process.isRunning, "\(name) exited")
            // The maps were read from a live, dynamically linked process.
            XCTAssertTrue(libraries.contains { $0.hasPrefix("libc.so") }, "\(name): \(libraries)")
            XCTAssertEqual(
                libraries.filter { library in lazyLibraryPrefixes.contains { library.hasPrefix($0) } }, [],
                "an idle \(name) maps a library it should load on first use")
        }
    }

    func testStorageCommandWithoutLibcurlSaysWhatToInstall() throws {
        try PackagePaths.requireBinaries()
        let folder = try makeScratchDirectory(self)
        let result = try growHead(
            ["storage", "ls", "s3://bucket/prefix", "--endpoint", "http://127.0.0.1:9"],
            brokenLibraries: ["libcurl.so.4", "libcurl.so"], in: folder,
            environment: ["AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1"])
        // The user's to fix (exit 2), not a crash, and nothing retried.
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(
            result.stderr,
            "grow-head: cannot load libcurl (tried libcurl.so.4, libcurl.so): \(folder)/libcurl.so.4: file too short; "
                + "install libcurl4 (Debian) or set GROW_LIBCURL to the library's path\n")
    }

    func testExecWithoutLibssh2SaysWhatToInstall() throws {
        try PackagePaths.requireBinaries()
        try requirement("openssh-client (/usr/bin/ssh-keygen)", available: isExecutable("/usr/bin/ssh-keygen"))
        let folder = try makeScratchDirectory(self)
        let key = folder + "/id_ed25519"
        let keygen = try runProcess("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])
        XCTAssertEqual(keygen.status, 0, keygen.output)
        let cluster = folder + "/cluster.yaml"
        // Port 9 (discard): were libssh2 loaded after all, the connection is refused at once.
        try """
        cluster_name: lazy
        provider:
            type: local
            head_ip: 127.0.0.1
            worker_ips: []
        auth:
            ssh_user: root
            ssh_private_key: \(key)
            ssh_port: 9
        """.write(toFile: cluster, atomically: true, encoding: .utf8)
        let token = try runProcess(PackagePaths.headBinary.path, ["token", folder + "/token"])
        XCTAssertEqual(token.status, 0, token.output)
        let result = try growHead(
            ["exec", cluster, "true", "--token-file", folder + "/token"],
            brokenLibraries: ["libssh2.so.1", "libssh2.so"], in: folder,
            environment: ["HOME": folder])
        // A clear error (exit 2, as for a key the server refuses), not a crash.
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(
            result.stderr.contains(
                "cannot load libssh2 (tried libssh2.so.1, libssh2.so): \(folder)/libssh2.so.1: file too short; "
                    + "install libssh2-1 (Debian) or set GROW_LIBSSH2 to the library's path"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    }

    /// Runs grow-head where dlopen() finds `brokenLibraries` as empty files in `folder` (searched
    /// first, through LD_LIBRARY_PATH), as on a machine where those libraries are broken.
    private func growHead(
        _ arguments: [String], brokenLibraries: [String], in folder: String, environment: [String: String]
    ) throws -> ProcessOutput {
        for name in brokenLibraries {
            XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data()))
        }
        var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        merged["LD_LIBRARY_PATH"] = folder
        for variable in ["GROW_LIBCURL", "GROW_LIBSSH2", "GROW_TOKEN"] { merged[variable] = nil }
        return try captureProcess(PackagePaths.headBinary.path, arguments, environment: merged)
    }
}
