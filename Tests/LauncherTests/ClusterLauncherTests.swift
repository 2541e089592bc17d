import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// `grow-head up/submit/status/down` against three hosts in network namespaces, each with its
/// own sshd: the real binaries copied over SFTP, real head and workers started and joined.
final class ClusterLauncherTests: XCTestCase {
    var cluster: TestCluster?

    override func tearDown() {
        cluster?.tearDown()
        cluster = nil
    }

    func makeCluster(_ name: String, hosts: [String] = ["head", "w1", "w2"]) throws -> TestCluster {
        let made = try TestCluster(name: name, hosts: hosts)
        cluster = made
        let project = made.directory.appendingPathComponent("project")
        try FileManager.default.createDirectory(
            at: project.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try "tiles\n".write(to: project.appendingPathComponent("input.txt"), atomically: true, encoding: .utf8)
        try "ref\n".write(to: project.appendingPathComponent(".git/HEAD"), atomically: true, encoding: .utf8)
        return made
    }

    func testUpSubmitStatusDownAcrossThreeHosts() throws {
        let cluster = try makeCluster("e2e")
        let file = try cluster.writeCluster(cluster.clusterYAML())
        let up = try cluster.growHead(["up", file.path, "--yes", "--ssh-timeout", "60"])
        XCTAssertEqual(up.status, 0, "up failed:\n\(up.stdout)\n\(up.stderr)")
        for host in cluster.hosts {
            let home = host.home
            XCTAssertTrue(
                FileManager.default.isExecutableFile(atPath: home.appendingPathComponent(".grow/bin/grow-head").path))
            XCTAssertTrue(
                FileManager.default.isExecutableFile(atPath: home.appendingPathComponent(".grow/bin/grow-worker").path))
            let token = home.appendingPathComponent(".grow/token").path
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: token)[.posixPermissions] as? Int, 0o600)
            XCTAssertTrue(FileManager.default.fileExists(atPath: home.appendingPathComponent("project/input.txt").path))
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: home.appendingPathComponent("project/.git").path),
                "rsync_exclude")
            let ran = (try? String(contentsOf: home.appendingPathComponent("setup-ran.txt"), encoding: .utf8)) ?? ""
            XCTAssertEqual(ran.split(separator: "\n").count, 1, ran)
            if host.name != "head" { XCTAssertTrue(ran.contains("GROW_HEAD_IP=\(cluster.hosts[0].address)"), ran) }
        }
        XCTAssertTrue(up.stderr.contains("worker \(cluster.hosts[2].address): up"), up.stderr)
        for host in cluster.hosts {
            // One SSH connection per node carried every step of its set-up.
            XCTAssertEqual(
                host.server.log().components(separatedBy: "Accepted publickey").count - 1, 1, host.server.log())
        }
        // Both workers join the head: `status CLUSTER` asks the head over SSH.
        var status = ""
        for _ in 0..<100 {
            status = try cluster.growHead(["status", file.path]).stdout
            if status.contains("Workers: 2 up") { break }
            usleep(200_000)
        }
        XCTAssertTrue(status.contains("Workers: 2 up"), status)
        try checkDashboardForward(cluster, file: file)

        // submit --start runs `up` again: nothing changed, so no node repeats its set-up.
        let job = cluster.directory.appendingPathComponent("job.json")
        try #"{"name": "launched-${var:tag}", "pipeline": "sleep", "tiles": 40, "sleep": {"fixed_ms": 20}}"#.write(
            to: job, atomically: true, encoding: .utf8)
        let submit = try cluster.growHead(["submit", file.path, job.path, "--start", "-v", "tag:x"])
        XCTAssertEqual(submit.status, 0, "submit failed:\n\(submit.stdout)\n\(submit.stderr)")
        for host in cluster.hosts {
            XCTAssertTrue(
                submit.stderr.contains("\(host.address): configuration already up to date"),
                "second up: \(submit.stderr)")
            let ran =
                (try? String(contentsOf: host.home.appendingPathComponent("setup-ran.txt"), encoding: .utf8)) ?? ""
            XCTAssertEqual(ran.split(separator: "\n").count, 1, "setup ran again on \(host.name)")
        }
        XCTAssertTrue(submit.stdout.contains("40 done, 0 failed"), submit.stdout)
        let afterJob = try cluster.growHead(["status", file.path])
        XCTAssertTrue(afterJob.stdout.contains("launched-x"), afterJob.stdout)

        let exec = try cluster.growHead(["exec", file.path, "cat ~/project/input.txt; exit 3"])
        XCTAssertEqual(exec.status, 3)
        XCTAssertEqual(exec.stdout, "tiles\n")

        // attach: an interactive shell on a terminal (script(1) provides one and types for us).
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/script") {
            let attach = try cluster.growHead(
                [], executable: "/bin/sh",
                prefix: [
                    "-c",
                    "printf 'echo attached-$((40+2)) $(tty)\\nexit 7\\n' | /usr/bin/script -qec '\(TestCluster.headBinary.path) attach \(file.path)' /dev/null",
                ])
            XCTAssertEqual(attach.status, 7, attach.stdout + attach.stderr)
            XCTAssertTrue(attach.stdout.contains("attached-42 /dev/pts/"), attach.stdout)
        }

        let down = try cluster.growHead(["down", file.path])
        XCTAssertEqual(down.status, 0, "down failed:\n\(down.stdout)\n\(down.stderr)")
        XCTAssertEqual(cluster.launchedProcesses(), [], "grow processes left after down")
        XCTAssertEqual(TestCluster.growProcessesFromNodeBinaries(), [], "grow processes left after down")
    }

    func testUnreachableWorkerIsNamedAndTheOthersComeUp() throws {
        let cluster = try makeCluster("unreachable", hosts: ["head", "w1"])
        let file = try cluster.writeCluster(
            cluster.clusterYAML(workers: [cluster.hosts[1].address, cluster.deadAddress]))
        let up = try cluster.growHead(["up", file.path, "--ssh-timeout", "3"])
        XCTAssertEqual(up.status, 2, up.stderr)
        let lines = up.stderr.split(separator: "\n").map(String.init)
        XCTAssertTrue(
            lines.contains { $0.hasPrefix("grow-head: worker \(cluster.deadAddress): ") && $0.contains("gave up") },
            up.stderr)
        XCTAssertTrue(up.stderr.contains("worker \(cluster.hosts[1].address): up"), up.stderr)
        var status = ""
        for _ in 0..<100 {
            status = try cluster.growHead(["status", file.path]).stdout
            if status.contains("Workers: 1 up") { break }
            usleep(200_000)
        }
        XCTAssertTrue(status.contains("Workers: 1 up"), status)
        XCTAssertEqual(
            try cluster.growHead(["down", file.path, "--ssh-timeout", "2"]).status, 2, "the dead worker fails down too")
        XCTAssertEqual(cluster.launchedProcesses(), [])
    }

    func testAFailingSetupCommandNamesTheKeyAndTheNode() throws {
        let cluster = try makeCluster("failing", hosts: ["head"])
        let text = cluster.clusterYAML(workers: []).replacingOccurrences(
            of: "    - test -f ~/project/input.txt",
            with: "    - test -f ~/project/input.txt\n    - no-such-command-grow --flag")
        let file = try cluster.writeCluster(text)
        let up = try cluster.growHead(["up", file.path, "--ssh-timeout", "30"])
        XCTAssertEqual(up.status, 2)
        let line = up.stderr.split(separator: "\n").first { $0.hasPrefix("grow-head: head ") }.map(String.init) ?? ""
        XCTAssertTrue(line.contains("setup_commands[1] `no-such-command-grow --flag` exited 127"), up.stderr)
        XCTAssertTrue(line.contains("not found"), line)
        XCTAssertTrue(line.contains("head \(cluster.hosts[0].address)"), line)
        XCTAssertEqual(cluster.launchedProcesses(), [], "nothing started after a failed set-up")
    }

    /// The docker command lines of `up` and `down` (pull, run with the bind mounts, commands
    /// through docker exec, stop) as Ray's command runner writes them, recorded by a stand-in
    /// docker command on one host. DockerEngineClusterTests runs the same path on a real engine.
    func testDockerCommandLinesOfUpAndDown() throws {
        let cluster = try makeCluster("docker", hosts: ["head"])
        let host = cluster.hosts[0]
        let name = "launch-docker-\(getpid())"
        let staging = URL(fileURLWithPath: "/tmp/grow_tmp_mount/\(name)")
        cluster.extraDirectories.append(staging)
        cluster.extraRunDirectories.append(staging.appendingPathComponent("~/.grow/run"))
        try FakeDocker.install(home: host.home)
        let docker = """
            docker:
                image: "registry.example.org/grow:test"
                container_name: grow_test
                pull_before_run: True
                run_options:
                    - --ulimit nofile=65536:65536
            """
        let file = try cluster.writeCluster(cluster.clusterYAML(workers: [], extra: docker, name: name))
        let up = try cluster.growHead(["up", file.path, "--binaries", "copy", "--ssh-timeout", "30"])
        XCTAssertEqual(up.status, 0, "up failed:\n\(up.stdout)\n\(up.stderr)")
        let calls = FakeDocker.calls(home: host.home)
        XCTAssertEqual(calls.first, "pull registry.example.org/grow:test", "\(calls)")
        XCTAssertTrue(
            calls.contains(
                "run --rm --name grow_test -d -it -v \(staging.path)/~/project:/root/project -v \(staging.path)/~/.grow:/root/.grow -e LC_ALL=C.UTF-8 -e LANG=C.UTF-8 --ulimit nofile=65536:65536 --net=host registry.example.org/grow:test bash"
            ), "\(calls)")
        XCTAssertTrue(
            calls.contains {
                $0.hasPrefix("exec grow_test /bin/bash -c ") && $0.contains("test -f /root/project/input.txt")
            }, "\(calls)")
        // Uploads went to the host staging folder the container mounts; the token with mode 0600.
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: staging.appendingPathComponent("~/project/input.txt").path))
        XCTAssertEqual(
            try FileManager.default.attributesOfItem(atPath: staging.appendingPathComponent("~/.grow/token").path)[
                .posixPermissions] as? Int, 0o600)
        // Again: the container runs and nothing changed, so no second `docker run`.
        let again = try cluster.growHead(["up", file.path, "--binaries", "copy"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("configuration already up to date"), again.stderr)
        XCTAssertEqual(FakeDocker.calls(home: host.home).filter { $0.hasPrefix("run ") }.count, 1)
        let down = try cluster.growHead(["down", file.path])
        XCTAssertEqual(down.status, 0, down.stderr)
        XCTAssertEqual(FakeDocker.calls(home: host.home).last, "stop grow_test")
        XCTAssertEqual(cluster.launchedProcesses(), [], "grow processes left after down")
    }

    /// `grow-head dashboard CLUSTER.yaml`: a local URL whose page and API come from the head's
    /// dashboard (on the head host's own loopback) through the SSH connection.
    func checkDashboardForward(_ cluster: TestCluster, file: URL) throws {
        try requirement("curl", available: which("curl") != nil, from: .installDeps)
        let process = Process()
        process.executableURL = TestCluster.headBinary
        process.arguments = ["dashboard", file.path, "--port", "0"]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = cluster.localHome.path
        environment["GROW_TOKEN"] = nil
        process.environment = environment
        let output = cluster.directory.appendingPathComponent("dashboard-forward.log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = process.standardOutput
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        var url: String?
        for _ in 0..<600 where url == nil {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+/"#, options: .regularExpression) {
                url = String(text[range])
            }
            if !process.isRunning { break }
            usleep(100_000)
        }
        let base = try XCTUnwrap(url, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
        let page = try runProcess(which("curl")!, ["-s", "--max-time", "30", base])
        XCTAssertTrue(page.output.contains("<canvas"), page.output)
        let state = try runProcess(which("curl")!, ["-s", "--max-time", "30", base + "api/state"])
        XCTAssertTrue(state.output.contains(#""workers":[{"#), state.output)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }
}
