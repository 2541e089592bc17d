import Foundation

/// grow's image as the test suite builds it: by a Docker engine, from docker/Dockerfile's
/// `host-binaries` target (the release binaries `docker/build-steps.sh build docker/host-bin`
/// made on this machine, which `scripts/test` builds in its docker step), on a
/// debian:bookworm-slim made locally by docker/base-image.sh (no registry to pull from here).
///
/// The build engine keeps its data root in .cache/docker/engine, so the base image and the
/// runtime packages' layer are made once per machine; every test that needs the image starts
/// that engine and builds (a build whose inputs did not change takes seconds).
package enum GrowImage {
    package static let tag = "grow:test"
    package static var dockerfile: URL { PackagePaths.root.appendingPathComponent("docker/Dockerfile") }
    package static var hostBinaries: URL { PackagePaths.root.appendingPathComponent("docker/host-bin") }
    package static var buildDataRoot: URL { PackagePaths.root.appendingPathComponent(".cache/docker/engine") }

    /// Requires the release binaries in docker/host-bin.
    package static func requireHostBinaries(file: StaticString = #filePath, line: UInt = #line) throws {
        for name in ["grow-head", "grow-worker"] {
            let path = hostBinaries.appendingPathComponent(name).path
            try requirement(
                "the release \(name) in docker/host-bin", available: isExecutable(path),
                from: .machine("docker/build-steps.sh build docker/host-bin builds it (scripts/test does)"),
                file: file, line: line)
        }
    }

    /// Starts the build engine (on the host's network) and builds the image in it.
    package static func buildEngine(insecureRegistries: [String] = []) throws -> DockerEngine {
        try requireHostBinaries()
        try requirement(
            "debootstrap (/usr/sbin/debootstrap)", available: isExecutable("/usr/sbin/debootstrap"))
        let engine = try DockerEngine(
            name: "build", dataRoot: buildDataRoot, insecureRegistries: insecureRegistries)
        do {
            try build(in: engine)
        } catch {
            engine.stop()
            throw error
        }
        return engine
    }

    /// debian:bookworm-slim from docker/base-image.sh, then `docker build --target
    /// host-binaries`; drops the image the tag pointed to before (vfs keeps every layer whole).
    package static func build(in engine: DockerEngine) throws {
        let script = PackagePaths.root.appendingPathComponent("docker/base-image.sh").path
        let base = try captureProcess(
            script, ["import", DockerEngine.clientPath], environment: engine.clientEnvironment())
        guard base.status == 0 else {
            throw HarnessError("docker/base-image.sh import failed (\(base.status)): \(base.stderr.suffix(2000))")
        }
        let result = try engine.docker([
            "build", "--network=host", "-f", dockerfile.path, "--target", "host-binaries", "-t", tag,
            PackagePaths.root.path,
        ])
        guard result.status == 0 else {
            throw HarnessError(
                "docker build -f docker/Dockerfile failed (\(result.status)):\n\(result.stdout.suffix(3000))\n\(result.stderr.suffix(2000))"
            )
        }
        _ = try? engine.docker(["image", "prune", "-f"])
    }

    /// The image's size in bytes, as `docker image inspect` reports it.
    package static func size(in engine: DockerEngine, image: String = tag) throws -> Int {
        let text = try engine.run(["image", "inspect", "-f", "{{.Size}}", image])
        guard let size = Int(text) else { throw HarnessError("docker image inspect gave no size: \(text)") }
        return size
    }
}
