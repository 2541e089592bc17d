import Foundation
import GrowTestSupport
import XCTest

/// The image at work: a head container and two worker containers (`--net=host`; one worker gets
/// the token from the environment, the head and the other worker from a mounted file) run the
/// demo's pipeline chain (import → features → export maps, GDAL inside the image) and leave the
/// same files as `scripts/demo`'s command run on this machine with the same binaries; then
/// `docker stop` on a worker in the middle of a job drains it: exit 0, every tile done once.
final class ContainerJobTests: XCTestCase {
    var engine: DockerEngine?

    override func tearDown() {
        engine?.stop()
        engine = nil
    }

    func testHeadAndTwoWorkerContainersRunTheDemoChainAndAStoppedWorkerDrains() throws {
        let scene = try sampleScene()
        try GrowImage.requireHostBinaries()
        let folder = try makeScratchDirectory(self, "containers")
        let head = GrowImage.hostBinaries.appendingPathComponent("grow-head").path
        let chain = PackagePaths.root.appendingPathComponent("scripts/demo-pipelines/chain.json").path
        var environment = ProcessInfo.processInfo.environment
        environment["GROW_TOKEN"] = nil
        environment["GROW_TOKEN_FILE"] = nil

        // What scripts/demo leaves: its command, on this machine, with the binaries of the image.
        let reference = folder + "/reference"
        try makeDemoProject(reference, scene: scene)
        let demo = try captureProcess(
            head,
            [
                "run", chain, "-v", "project:\(reference)", "--workers", "2", "--slots", "1", "--state-dir",
                reference + "/state",
            ],
            environment: environment)
        XCTAssertEqual(demo.status, 0, demo.stdout + demo.stderr)

        let engine = try GrowImage.buildEngine()
        self.engine = engine
        let project = folder + "/project"
        try makeDemoProject(project, scene: scene)
        let token = folder + "/token"
        XCTAssertEqual(try captureProcess(head, ["token", token], environment: environment).status, 0)
        let secret = try String(contentsOfFile: token, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let port = try freeLoopbackPort()
        let tag = "\(getpid())"
        let pipelines = PackagePaths.root.appendingPathComponent("scripts/demo-pipelines").path
        let common = ["run", "-d", "--net=host", "-e", "GROW_PORT=\(port)", "-v", "\(project):\(project)"]
        try engine.run(
            common + [
                "--name", "grow-head-\(tag)", "-v", "\(token):/root/.grow/token:ro", "-v", "\(pipelines):/pipelines:ro",
                GrowImage.tag, "head", "--bind", "127.0.0.1",
            ])
        // The token from the environment: `-e GROW_TOKEN` takes its value from the client's, off the command line.
        try engine.run(
            common + [
                "--name", "grow-worker-1-\(tag)", "-e", "GROW_TOKEN", "-e", "GROW_HEAD_IP=127.0.0.1", GrowImage.tag,
                "worker", "--slots", "1", "--worker-id", "container-1",
            ], environment: ["GROW_TOKEN": secret])
        try engine.run(
            common + [
                "--name", "grow-worker-2-\(tag)", "-v", "\(token):/root/.grow/token:ro", "-e", "GROW_HEAD_IP=127.0.0.1",
                GrowImage.tag, "worker", "--slots", "1", "--worker-id", "container-2",
            ])
        let headContainer = "grow-head-\(tag)"
        let address = "127.0.0.1:\(port)"
        var status = ""
        let deadline = Date().addingTimeInterval(300)
        while !status.contains("Workers: 2 up"), Date() < deadline {
            status =
                (try? engine.docker(["exec", headContainer, "grow-head", "status", "--address", address]).stdout) ?? ""
            if !status.contains("Workers: 2 up") { usleep(300_000) }
        }
        XCTAssertTrue(status.contains("Workers: 2 up"), "\(status)\n\(logs(engine, tag))")

        // The chain, submitted in the head's container (the AOI is split there, with its GDAL).
        let submitted = try engine.docker([
            "exec", headContainer, "grow-head", "submit", "/pipelines/chain.json", "-v", "project:\(project)",
            "--address", address,
        ])
        XCTAssertEqual(submitted.status, 0, submitted.stdout + submitted.stderr + logs(engine, tag))
        let expected = try outputs(reference)
        XCTAssertTrue(expected.contains(" maps/UTM_32725/ndvi.tif\n"), expected)
        XCTAssertTrue(expected.contains(" maps/UTM_32725/ndvi.png\n"), expected)
        XCTAssertEqual(Set(expected.split(separator: "\n").map { $0.split(separator: "/")[1] }).count, 25 + 1, expected)
        XCTAssertEqual(try outputs(project), expected, "the containers' outputs differ from the demo's")
        let runs = try FileManager.default.contentsOfDirectory(atPath: project + "/logs")
        XCTAssertEqual(runs.count, 3, "\(runs)")

        // A job of 60 quarter-second tiles; `docker stop` on a worker once 8 are done.
        let job = project + "/drain.json"
        try #"{"name": "drain", "pipeline": "sleep", "tiles": 60, "sleep": {"fixed_ms": 250}}"#.write(
            toFile: job, atomically: true, encoding: .utf8)
        let submit = Process()
        submit.executableURL = URL(fileURLWithPath: DockerEngine.clientPath)
        submit.arguments = ["exec", headContainer, "grow-head", "submit", job, "--wait", "--address", address]
        submit.environment = engine.clientEnvironment()
        let submitOutput = Pipe()
        submit.standardOutput = submitOutput
        submit.standardError = submitOutput
        try submit.run()
        var done = 0
        while done < 8, submit.isRunning {
            done = try tilesDone(engine, headContainer, address, job: "drain")
            if done < 8 { usleep(100_000) }
        }
        XCTAssertGreaterThanOrEqual(done, 8)
        let worker = "grow-worker-2-\(tag)"
        let stopped = Date()
        try engine.run(["stop", "-t", "120", worker])
        print(
            "containers: the demo chain's \(expected.split(separator: "\n").count) output files as the demo's; "
                + "worker 2 stopped after \(done) of 60 tiles, gone \(Int(Date().timeIntervalSince(stopped) * 1000)) ms later"
        )
        let result = String(decoding: submitOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        submit.waitUntilExit()
        XCTAssertLessThan(done, 60, "the job ended before the worker was stopped")
        XCTAssertEqual(try engine.run(["inspect", "-f", "{{.State.ExitCode}}", worker]), "0")
        let workerLog = try engine.docker(["logs", worker])
        XCTAssertTrue((workerLog.stdout + workerLog.stderr).contains("drained; exiting"), workerLog.stderr)
        XCTAssertEqual(submit.terminationStatus, 0, result)
        XCTAssertTrue(result.contains("60 done, 0 failed, 0 quarantined"), result)
    }

    /// A demo project: the scene and its footprint as the AOI, in input-data.
    func makeDemoProject(_ path: String, scene: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/input-data", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: scene, toPath: path + "/input-data/L7_ETMs.tif")
        try writeFootprint(of: scene, to: path + "/input-data/aoi.geojson")
    }

    /// Every output file of the chain (EOPatches, features, the map and its quicklook) with its
    /// SHA-256, one per line, sorted.
    func outputs(_ project: String) throws -> String {
        let listing = try captureProcess(
            "/bin/sh",
            [
                "-c", "cd \"$1\" && find data features maps -type f -print0 | sort -z | xargs -0 sha256sum", "outputs",
                project,
            ])
        guard listing.status == 0 else { throw HarnessError("listing \(project) failed: \(listing.stderr)") }
        return listing.stdout
    }

    func tilesDone(_ engine: DockerEngine, _ container: String, _ address: String, job name: String) throws -> Int {
        let status = try engine.docker(["exec", container, "grow-head", "status", "--json", "--address", address])
        guard status.status == 0, let object = try? JSONSerialization.jsonObject(with: Data(status.stdout.utf8)),
            let jobs = (object as? [String: Any])?["jobs"] as? [[String: Any]]
        else { return 0 }
        return jobs.filter { $0["name"] as? String == name }.compactMap { ($0["done"] as? NSNumber)?.intValue }.first
            ?? 0
    }

    func logs(_ engine: DockerEngine, _ tag: String) -> String {
        ["grow-head-\(tag)", "grow-worker-1-\(tag)", "grow-worker-2-\(tag)"].map { name in
            let result = try? engine.docker(["logs", "--tail", "20", name])
            return "== \(name)\n\(result.map { $0.stdout + $0.stderr } ?? "")"
        }.joined(separator: "\n")
    }
}
