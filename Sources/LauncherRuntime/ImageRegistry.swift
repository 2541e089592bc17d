import AWSCore
import Foundation
import Launcher

/// `grow-head image login` and `image push`: an ECR login from the AWS layer
/// (GetAuthorizationToken, signed with SigV4, credentials from the usual chain: environment,
/// profile, the instance profile through IMDSv2) handed to `docker login --password-stdin`, then
/// `docker push` with the engine, and the digest it pushed. The password goes to docker on its
/// standard input: never on a command line, in a log or in an error.
package struct ImageRegistry: Sendable {
    /// The docker command's path (found on PATH).
    package let docker: String
    package let environment: [String: String]

    package init(docker command: String = "docker", environment: [String: String]) throws(LaunchError) {
        self.environment = environment
        if command.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: command) else {
                throw LaunchError("docker command \(command) is not an executable file")
            }
            docker = command
            return
        }
        let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        guard let found = folders.map({ "\($0)/\(command)" }).first(where: FileManager.default.isExecutableFile)
        else {
            throw LaunchError(
                "\(command) is not on PATH: install Docker (Debian/Ubuntu: apt-get install docker.io) or pass --docker PATH"
            )
        }
        docker = found
    }

    /// ECR's login (user AWS, a 12-hour password) for the registry host `registry`. The
    /// region: `region`, else the ECR host's, else AWS_REGION/AWS_DEFAULT_REGION/the profile's.
    package func ecrLogin(registry: String, region: String?, profile: String?) throws(LaunchError)
        -> ECRClient.Login
    {
        do {
            let config = try AWSServiceConfig.resolve(
                service: "ecr", hostPrefix: "api.ecr", region: region ?? ImageReference.ecrRegion(host: registry),
                profile: profile, environment: environment,
                readFile: { try? String(contentsOfFile: $0, encoding: .utf8) })
            return try ECRClient(config: config).authorizationToken()
        } catch {
            throw LaunchError("ECR login for \(registry): \(error)")
        }
    }

    /// `docker login --username USER --password-stdin REGISTRY`.
    package func login(registry: String, with login: ECRClient.Login) throws(LaunchError) {
        let result = try run(
            ["login", "--username", login.user, "--password-stdin", registry], input: Data(login.password.utf8))
        guard result.status == 0 else {
            throw LaunchError(
                "docker login \(registry) failed (exit \(result.status)): \(Self.lastLine(result.output))")
        }
    }

    /// `docker tag SOURCE REFERENCE`.
    package func tag(_ source: String, as reference: ImageReference) throws(LaunchError) {
        let result = try run(["tag", source, reference.description])
        guard result.status == 0 else {
            throw LaunchError("docker tag \(source) \(reference) failed: \(Self.lastLine(result.output))")
        }
    }

    /// `docker push REFERENCE` (its progress on this process's standard error), then the digest
    /// the registry now has it under: `NAME@sha256:…`, from the image's RepoDigests.
    package func push(_ reference: ImageReference) throws(LaunchError) -> String {
        let status = try run(["push", reference.description], passOutput: true).status
        guard status == 0 else { throw LaunchError("docker push \(reference) failed (exit \(status))") }
        let inspect = try run([
            "image", "inspect", "-f", "{{range .RepoDigests}}{{println .}}{{end}}", reference.description,
        ])
        let digests = inspect.output.split(separator: "\n").map(String.init)
        guard inspect.status == 0, let pinned = digests.first(where: { $0.hasPrefix(reference.name + "@sha256:") })
        else {
            throw LaunchError("docker push \(reference): no digest for \(reference.name) in the image's RepoDigests")
        }
        return pinned
    }

    static func lastLine(_ text: String) -> String {
        text.split(separator: "\n").last.map(String.init) ?? "no output"
    }

    /// Runs docker; `input` is its standard input. `passOutput`: both its streams go to our
    /// standard error as they come (our standard output stays for the result); otherwise both
    /// are captured, together.
    func run(_ arguments: [String], input: Data? = nil, passOutput: Bool = false) throws(LaunchError) -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: docker)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let stdin = Pipe()
        if passOutput {
            process.standardOutput = FileHandle.standardError
            process.standardError = FileHandle.standardError
        } else {
            process.standardOutput = output
            process.standardError = output
        }
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        do {
            try process.run()
        } catch {
            throw LaunchError("cannot run \(docker): \(error.localizedDescription)")
        }
        if let input {
            // A docker that exits before reading must not take this process down with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
        }
        let data = passOutput ? Data() : output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
