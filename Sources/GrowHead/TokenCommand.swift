import ArgumentParser
import Foundation
import Wire

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create or rotate the cluster token file (mode 0600).",
        subcommands: [TokenCreateCommand.self, TokenRotateCommand.self],
        defaultSubcommand: TokenCreateCommand.self)
}

struct TokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a new cluster token file (mode 0600); `grow-head token PATH` does the same.",
        discussion:
            "Copy the file to every worker (grow-head up does this for you). An existing file is never overwritten.")

    @Argument(help: "Where to write the token.") var path: String = DefaultPaths.tokenFile

    func run() async throws {
        try await reportingUserErrors {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            _ = try UserError.wrap { try ClusterToken.createTokenFile(at: path) }
            print("wrote a new cluster token to \(path)")
        }
    }
}

struct TokenRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Replace the cluster token without downtime.",
        discussion: """
            Moves the token to PATH.previous and writes a new one to PATH (both 0600). A head \
            started with this token file reads both within a second and accepts the previous token \
            for its --token-grace (default 1 hour) after the rotation, then closes the connections \
            still proven with it. Workers read their token file again on every reconnect and on \
            SIGHUP (and reconnect with the new token); `grow-head up` copies both files to every node.
            """)

    @Argument(help: "The token file to rotate.") var path: String = DefaultPaths.tokenFile

    func run() async throws {
        try await reportingUserErrors {
            try UserError.wrap { try TokenFiles.rotate(path) }
            print("rotated the cluster token in \(path); the previous one is in \(TokenFiles.previousPath(of: path))")
            if !(ProcessInfo.processInfo.environment[ClusterToken.environmentVariable] ?? "").isEmpty {
                print("note: GROW_TOKEN is set here, and processes that read it do not see the files")
            }
        }
    }
}
