import ArgumentParser
import Foundation
import Wire

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create a new cluster token file (mode 0600).",
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
