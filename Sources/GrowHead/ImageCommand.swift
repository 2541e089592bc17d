import ArgumentParser
import Foundation
import Launcher
import LauncherRuntime

/// `grow-head image login|push`: grow's image to a registry the nodes pull from (ECR on AWS).
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Log the Docker engine in to ECR, and push grow's image there.",
        discussion: """
            The ECR login comes from ECR's GetAuthorizationToken with the usual AWS credentials \
            (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, or the instance profile through \
            IMDSv2): no AWS CLI needed. docs/cluster.md, "The container path", has every step:

              docker/build-steps.sh image grow
              grow-head image push 123456789012.dkr.ecr.eu-central-1.amazonaws.com/grow:latest --from grow
            """,
        subcommands: [ImageLoginCommand.self, ImagePushCommand.self]
    )
}

/// What login and push share: the AWS options and the docker command.
struct ImageRegistryOptions: ParsableArguments {
    @Option(help: "AWS region of the ECR registry (default: from an ECR host name, else AWS_REGION or the profile).")
    var region: String?
    @Option(help: "AWS profile (default: AWS_PROFILE, else default).") var profile: String?
    @Option(help: "The docker command (a name on PATH or a path).") var docker = "docker"

    func registry() throws -> ImageRegistry {
        try UserError.wrap { try ImageRegistry(docker: docker, environment: ProcessInfo.processInfo.environment) }
    }

    /// ECR's login for the registry host, handed to `docker login --password-stdin`.
    func logIn(_ registry: ImageRegistry, to host: String) throws {
        let login = try UserError.wrap { try registry.ecrLogin(registry: host, region: region, profile: profile) }
        try UserError.wrap { try registry.login(registry: host, with: login) }
        let expiry = login.expiresAt.map { " until \(Self.utc(milliseconds: $0))" } ?? ""
        FileHandle.standardError.write(
            Data("grow-head: docker logged in to \(host) as \(login.user) (ECR token\(expiry))\n".utf8))
    }

    static func utc(milliseconds: UInt64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    static func reference(_ text: String) throws -> ImageReference {
        try UserError.wrap { try ImageReference(parsing: text) }
    }
}

struct ImageLoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract:
            "Log the Docker engine in to an ECR registry (what `aws ecr get-login-password | docker login` does).",
        discussion: """
            In a cluster.yaml's initialization_commands, on nodes whose instance profile may read ECR:

              grow-head image login 123456789012.dkr.ecr.eu-central-1.amazonaws.com
            """
    )

    @Argument(help: "The registry host, or an image on it.") var registry: String
    @OptionGroup var options: ImageRegistryOptions

    func run() async throws {
        try await reportingUserErrors {
            let host = registry.contains("/") ? try ImageRegistryOptions.reference(registry).registry : registry
            guard ImageReference.isRegistryHost(host) else {
                throw UserError(
                    "\"\(host)\" is not a registry host, e.g. 123456789012.dkr.ecr.eu-central-1.amazonaws.com")
            }
            try options.logIn(try options.registry(), to: host)
        }
    }
}

struct ImagePushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Push an image to ECR: log in with an ECR token, tag, docker push; print the digest.",
        discussion: """
            Prints `pushed REGISTRY/REPOSITORY@sha256:…` on standard output (docker's progress goes to \
            standard error): a cluster.yaml's docker.image can pin it.

              grow-head image push 123456789012.dkr.ecr.eu-central-1.amazonaws.com/grow:latest --from grow
            """
    )

    @Argument(help: "Where to push: REGISTRY/REPOSITORY:TAG.") var reference: String
    @Option(help: "A local image to tag as REFERENCE first (e.g. grow, as docker/build-steps.sh image names it).")
    var from: String?
    @Flag(help: "Push with the docker client's own login (a registry that is not ECR).") var noLogin = false
    @OptionGroup var options: ImageRegistryOptions

    func run() async throws {
        try await reportingUserErrors {
            let target = try ImageRegistryOptions.reference(reference)
            let registry = try options.registry()
            if !noLogin { try options.logIn(registry, to: target.registry) }
            if let from { try UserError.wrap { try registry.tag(from, as: target) } }
            let pinned = try UserError.wrap { try registry.push(target) }
            print("pushed \(pinned)")
        }
    }
}
