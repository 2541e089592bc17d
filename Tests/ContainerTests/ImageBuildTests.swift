import Foundation
import GrowTestSupport
import XCTest

/// docker/Dockerfile built by a Docker engine (its host-binaries target, on a locally made
/// debian:bookworm-slim): the image's entrypoint and command, every library the binaries link
/// or dlopen() there, no build packages, and the entrypoint's one-line errors.
final class ImageBuildTests: XCTestCase {
    var engine: DockerEngine?

    override func tearDown() {
        engine?.stop()
        engine = nil
    }

    func testTheImageHasTheBinariesEveryLibraryTheyLoadAndNothingToBuildWith() throws {
        let engine = try GrowImage.buildEngine()
        self.engine = engine
        let image = GrowImage.tag
        let size = try GrowImage.size(in: engine)
        print("grow image \(image): \(size / 1_000_000) MB")
        // debian:bookworm-slim (75 MB), the runtime packages (~190 MB), the binaries (~180 MB).
        XCTAssertLessThan(size, 600_000_000, "the image grew: only the runtime packages belong in it")
        XCTAssertEqual(
            try engine.run(["image", "inspect", "-f", "{{json .Config.Entrypoint}} {{json .Config.Cmd}}", image]),
            #"["/usr/local/bin/grow-entrypoint"] ["bash"]"#)

        // One container does every check (with vfs, each new container copies the whole image).
        let folder = try makeScratchDirectory(self, "image")
        let key = folder + "/id_ed25519"
        let keygen = try runProcess("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])
        XCTAssertEqual(keygen.status, 0, keygen.output)
        try """
        cluster_name: image-check
        provider: {type: local, head_ip: 127.0.0.1, worker_ips: []}
        auth: {ssh_user: root, ssh_private_key: \(key), ssh_port: 9}
        """.write(toFile: folder + "/cluster.yaml", atomically: true, encoding: .utf8)
        let script = #"""
            cd /tmp
            for object in /usr/local/bin/grow-head /usr/local/bin/grow-worker /usr/lib/*/libgdal.so.[0-9]* \
                /usr/lib/*/libcurl.so.4 /usr/lib/*/libssh2.so.1; do
              [ -e "$object" ] || echo "absent: $object"
              ldd "$object" | grep "not found" | sed "s|^|$object: |"
            done
            echo "build packages: $(dpkg-query -W -f '${Package}\n' | grep -E -- '-dev$|^gcc-[0-9]+$|^g\+\+|^cpp|^binutils|^swift' | tr '\n' ' ')"
            echo "== no head address"
            env -u GROW_HEAD_IP -u GROW_HEAD_ADDRESS GROW_TOKEN=0123456789abcdef0123 grow-entrypoint worker 2>&1; echo "exit $?"
            echo "== no token"
            env -u GROW_TOKEN grow-entrypoint head 2>&1; echo "exit $?"
            echo "== libcurl"
            AWS_ACCESS_KEY_ID=id AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1 \
              grow-head storage ls s3://bucket/prefix --endpoint http://127.0.0.1:9 2>&1
            echo "== libssh2"
            grow-head token /tmp/token >/dev/null
            grow-head exec "$1/cluster.yaml" true --token-file /tmp/token --ssh-timeout 1 2>&1
            echo "== done"
            """#
        let checks = try engine.docker([
            "run", "--rm", "--net=host", "-v", "\(folder):\(folder):ro", "--entrypoint", "/bin/bash", image, "-c",
            script, "checks", folder,
        ])
        let output = checks.stdout + checks.stderr
        XCTAssertEqual(checks.status, 0, output)
        XCTAssertTrue(output.contains("== done"), output)
        XCTAssertFalse(output.contains("not found"), "a library the binaries load is not in the image:\n\(output)")
        XCTAssertFalse(output.contains("absent:"), output)
        XCTAssertTrue(output.contains("build packages: \n"), "build packages in the runtime image:\n\(output)")
        XCTAssertTrue(
            output.contains(
                "== no head address\ngrow-entrypoint: worker: no head address: set GROW_HEAD_IP (or GROW_HEAD_ADDRESS=HOST:PORT)\nexit 2\n"
            ), output)
        XCTAssertTrue(
            output.contains(
                "== no token\ngrow-entrypoint: head: no cluster token: set GROW_TOKEN, or mount the token file at /root/.grow/token (GROW_TOKEN_FILE)\nexit 2\n"
            ), output)
        // libcurl and libssh2 load (dlopen) in the image: the commands get as far as connecting.
        XCTAssertTrue(output.contains("Couldn't connect to server"), output)
        XCTAssertFalse(output.contains("cannot load"), output)
        XCTAssertTrue(output.contains("cannot connect to port 9: Connection refused"), output)

        // The entrypoint as the image runs it: a worker without a token is one line, exit 2.
        let worker = try engine.docker(["run", "--rm", "--net=host", "-e", "GROW_HEAD_IP=127.0.0.1", image, "worker"])
        XCTAssertEqual(worker.status, 2, worker.stdout + worker.stderr)
        XCTAssertEqual(
            worker.stderr,
            "grow-entrypoint: worker: no cluster token: set GROW_TOKEN, or mount the token file at /root/.grow/token (GROW_TOKEN_FILE)\n"
        )
    }
}
