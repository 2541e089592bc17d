import AWSCore
import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The container path end to end against real Docker engines: grow's image (built by the build
/// engine from docker/Dockerfile) is pushed by `grow-head image push` with an ECR login (moto's
/// GetAuthorizationToken, through AWSCore and SigV4) to a registry the test runs (Debian's
/// docker-registry, basic auth with the credentials that token decodes to). A host in a network
/// namespace runs its own dockerd there; `grow-head up` with a `docker:` section naming the
/// image by digest logs that engine in (initialization_commands), pulls and starts the head's
/// container; `exec` runs inside it; a second `up` leaves it running; `down` stops it.
final class DockerEngineClusterTests: XCTestCase {
    var cluster: TestCluster?
    var engines: [DockerEngine] = []
    var registry: TestRegistry?
    var moto: MotoServer?

    override func tearDown() {
        for engine in engines.reversed() { engine.stop() }
        engines = []
        registry?.stop()
        registry = nil
        moto?.kill()
        moto = nil
        cluster?.tearDown()
        cluster = nil
    }

    func testAnImagePushedWithAnECRLoginRunsTheContainerOfAClusterNode() throws {
        try DockerEngine.require()
        try GrowImage.requireHostBinaries()
        let cluster = try TestCluster(name: "engine", hosts: ["head"])
        self.cluster = cluster
        let host = cluster.hosts[0]
        let moto = try MotoServer(name: "ecr")
        self.moto = moto

        // The registry accepts exactly the login ECR hands out.
        let credentials = AWSCredentials(
            accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey, source: .environment)
        let login = try ECRClient(
            config: AWSServiceConfig(
                service: "ecr", region: "us-east-1", endpoint: moto.endpoint, credentials: .fixed(credentials))
        ).authorizationToken()
        let registry = try TestRegistry(
            host: "10.233.\(cluster.subnet).1", user: login.user, password: login.password)
        self.registry = registry

        // Build, then push with the ECR login.
        let build = try GrowImage.buildEngine(insecureRegistries: [registry.address])
        engines.append(build)
        let reference = "\(registry.address)/grow:test-\(getpid())"
        let push = try captureProcess(
            PackagePaths.headBinary.path,
            ["image", "push", reference, "--from", GrowImage.tag, "--docker", DockerEngine.clientPath],
            environment: build.clientEnvironment(moto.awsEnvironment()))
        let pushOutput = push.stdout + push.stderr
        XCTAssertEqual(push.status, 0, pushOutput + registry.log())
        XCTAssertFalse(pushOutput.contains(login.password), "the ECR password was printed")
        XCTAssertTrue(
            push.stderr.contains("grow-head: docker logged in to \(registry.address) as AWS (ECR token"), push.stderr)
        // Standard output is the digest alone (docker's progress went to standard error).
        let lines = push.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, push.stdout)
        let pinned = try XCTUnwrap(
            lines.last.flatMap { $0.hasPrefix("pushed ") ? String($0.dropFirst(7)) : nil }, push.stdout)
        XCTAssertTrue(pinned.hasPrefix("\(registry.address)/grow@sha256:"), pinned)
        // The build engine's data root is kept between runs: the pushed tag must not keep old images.
        try build.run(["rmi", reference])

        // The host's engine, in its namespace: the registry refuses it until it logs in.
        let engine = try DockerEngine(name: "host", namespace: host.namespace, insecureRegistries: [registry.address])
        engines.append(engine)
        let anonymous = try engine.docker(["pull", pinned])
        XCTAssertNotEqual(anonymous.status, 0, "the registry let an anonymous pull through")
        XCTAssertTrue(anonymous.stderr.contains("no basic auth credentials"), anonymous.stderr)
        // The host's docker command talks to that engine (a machine's own would use /var/run/docker.sock).
        try installDockerCommand(home: host.home, engine: engine)
        let passwordFile = host.home.appendingPathComponent("registry-password")
        try Data(login.password.utf8).write(to: passwordFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passwordFile.path)

        let name = "launch-engine-\(getpid())"
        cluster.extraDirectories.append(URL(fileURLWithPath: "/tmp/grow_tmp_mount/\(name)"))
        let project = cluster.directory.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try "tiles\n".write(to: project.appendingPathComponent("input.txt"), atomically: true, encoding: .utf8)
        let docker = """
            docker:
                image: "\(pinned)"
                container_name: grow_engine
                pull_before_run: True
            initialization_commands:
                - docker login --username AWS --password-stdin \(registry.address) < ~/registry-password
            """
        let file = try cluster.writeCluster(cluster.clusterYAML(workers: [], extra: docker, name: name))
        let up = try cluster.growHead(["up", file.path, "--ssh-timeout", "60"])
        XCTAssertEqual(up.status, 0, "up failed:\n\(up.stdout)\n\(up.stderr)\n\(engine.tail())")
        XCTAssertFalse((up.stdout + up.stderr).contains(login.password))
        let running = try engine.run(["ps", "--format", "{{.Names}} {{.ID}}"])
        XCTAssertEqual(running.split(separator: "\n").count, 1, running)
        XCTAssertTrue(running.hasPrefix("grow_engine "), running)
        let container = String(running.split(separator: " ").last ?? "")
        XCTAssertEqual(try engine.run(["inspect", "-f", "{{.Config.Image}}", "grow_engine"]), pinned)

        // exec runs in the container: the image's entrypoint is there, the file mount too.
        let exec = try cluster.growHead([
            "exec", file.path, "test -x /usr/local/bin/grow-entrypoint && cat ~/project/input.txt",
        ])
        XCTAssertEqual(exec.status, 0, exec.stderr)
        XCTAssertEqual(exec.stdout, "tiles\n")
        // The head started by the start commands runs in the container (the image's grow-head).
        var status = ""
        for _ in 0..<100 {
            status = try cluster.growHead(["status", file.path]).stdout
            if status.contains("Workers: 0 up") { break }
            usleep(200_000)
        }
        XCTAssertTrue(status.contains("Workers: 0 up"), status)
        let processes = try engine.run(["top", "grow_engine", "-eo", "pid,args"])
        XCTAssertTrue(processes.contains("grow-head start --port 6379"), processes)

        // A second up: same container, set-up unchanged.
        let again = try cluster.growHead(["up", file.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("configuration already up to date"), again.stderr)
        let after = try engine.run(["ps", "--format", "{{.ID}}"])
        XCTAssertEqual(after, container, "the second up replaced the container")

        let down = try cluster.growHead(["down", file.path])
        XCTAssertEqual(down.status, 0, down.stderr)
        XCTAssertEqual(try engine.run(["ps", "--format", "{{.Names}}"]), "", "a container runs after down")
        // `docker run --rm`: the engine removes the stopped container right after the stop.
        var left = try engine.run(["ps", "-a", "--format", "{{.Names}}"])
        let deadline = Date().addingTimeInterval(60)
        while !left.isEmpty, Date() < deadline {
            usleep(100_000)
            left = try engine.run(["ps", "-a", "--format", "{{.Names}}"])
        }
        XCTAssertEqual(left, "", "a container is left after down")
    }

    /// ~/.grow/bin/docker on the host (first on PATH for the commands `up` runs): Debian's
    /// client, pointed at the host's engine.
    func installDockerCommand(home: URL, engine: DockerEngine) throws {
        let bin = home.appendingPathComponent(".grow/bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let path = bin.appendingPathComponent("docker").path
        try """
        #!/bin/sh
        export DOCKER_HOST=\(engine.host)
        exec \(DockerEngine.clientPath) "$@"

        """.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }
}
