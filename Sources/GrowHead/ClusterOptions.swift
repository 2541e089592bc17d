import ArgumentParser
import Foundation
import Launcher
import LauncherRuntime
import Wire

/// What every cluster verb (`up`, `down`, `attach`, `exec`, cluster-mode `submit` and `status`)
/// shares: how to log in to the nodes and which token the cluster uses.
struct ClusterOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Host keys: accept-new pins a node's key on first contact in ~/.grow/known_hosts; strict accepts only pinned keys.",
            valueName: "accept-new|strict"))
    var knownHosts: String = KnownHostsPolicy.acceptNew.rawValue

    @Option(help: "Seconds to keep retrying a node that does not answer on SSH yet (booting).")
    var sshTimeout: Double = 300

    /// Loads cluster.yaml and the key; prints the file's warnings. `createToken`: make a token
    /// file when there is none (up does; the other verbs need the cluster's existing one).
    func context(_ path: String, tokenFile: String, createToken: Bool = false) throws -> ClusterContext {
        guard let policy = KnownHostsPolicy(rawValue: knownHosts) else {
            throw UserError("--known-hosts must be accept-new or strict, not \"\(knownHosts)\"")
        }
        guard sshTimeout > 0 else { throw UserError("--ssh-timeout must be positive") }
        let secret = try Self.tokenSecret(file: tokenFile, create: createToken)
        var context = try UserError.wrap {
            try ClusterContext.load(
                path: path, home: DefaultPaths.home, tokenSecret: secret, localBinaries: Self.binaryDirectory,
                policy: policy, sshTimeout: sshTimeout)
        }
        // After `grow-head token rotate` the nodes get the previous token too, for the head's grace.
        let previous = TokenFiles.previousPath(of: tokenFile)
        if (ProcessInfo.processInfo.environment[ClusterToken.environmentVariable] ?? "").isEmpty,
            FileManager.default.fileExists(atPath: previous)
        {
            _ = try UserError.wrap { try TokenFiles.load(tokenFile) }  // 0600 and a usable token, as on the head
            context.previousTokenFile = previous
        }
        for warning in context.warnings {
            FileHandle.standardError.write(Data("grow-head: warning: \(warning)\n".utf8))
        }
        return context
    }

    /// The token text: GROW_TOKEN, else the token file (created with mode 0600 when asked).
    static func tokenSecret(file tokenFile: String, create: Bool) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let secret = environment[ClusterToken.environmentVariable], !secret.isEmpty {
            _ = try UserError.wrap { try ClusterToken(secret: secret) }
            return secret.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if create, !FileManager.default.fileExists(atPath: tokenFile) {
            try? FileManager.default.createDirectory(
                atPath: (tokenFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            _ = try UserError.wrap { try ClusterToken.createTokenFile(at: tokenFile) }
        }
        // Checks the file as every grow binary does (exists, 0600, long enough) before reading it.
        _ = try UserError.wrap { try ClusterToken.load(environment: [:], file: tokenFile) }
        return try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The folder of this grow-head, where grow-worker is expected too.
    static var binaryDirectory: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
    }
}

/// The token file option of the verbs that have no head connection options.
struct ClusterTokenOption: ParsableArguments {
    @Option(help: "File with the cluster token to install on the nodes (GROW_TOKEN wins if set).")
    var tokenFile = DefaultPaths.tokenFile
}

/// A cluster file rather than a job file: `.yaml`/`.yml`.
enum ClusterFile {
    static func looksLikeCluster(_ path: String) -> Bool {
        path.hasSuffix(".yaml") || path.hasSuffix(".yml")
    }
}

extension ClusterOperations.Outcome {
    /// Prints the nodes whose set-up was skipped and the failed nodes; exit code 2 when any failed.
    func finish(_ verb: String, board: ProgressBoard) throws {
        for node in unchanged {
            board.print("\(node): configuration already up to date, skipped file mounts, initialization and setup")
        }
        try finish(verb)
    }

    /// Prints the failed nodes and ends with exit code 2 when there are any.
    func finish(_ verb: String) throws {
        for failure in failures {
            FileHandle.standardError.write(Data("grow-head: \(failure.description)\n".utf8))
        }
        if !failures.isEmpty {
            FileHandle.standardError.write(
                Data("grow-head: \(verb): \(failures.count) node(s) failed, \(succeeded.count) ok\n".utf8))
            throw ExitCode(2)
        }
    }
}
