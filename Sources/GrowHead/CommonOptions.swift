import ArgumentParser
import Foundation
import HeadRuntime
import Wire

/// Where the head is and how to prove we belong: shared by the client verbs.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "The head's address, HOST:PORT.")
    var address = "127.0.0.1:6379"

    @Option(name: .long, help: "File with the cluster token (GROW_TOKEN wins if set).")
    var tokenFile = DefaultPaths.tokenFile

    func endpoint() throws -> (host: String, port: Int) {
        try Address.parse(address)
    }

    /// Connects and authenticates; failures become one clear line.
    func connect() async throws -> HeadClient {
        let (host, port) = try endpoint()
        let token = try token()
        do {
            return try await HeadClient.connect(host: host, port: port, token: token)
        } catch WireError.refusedByPeer(let reason, let text) {
            let hint = reason == .authenticationFailed ? " (is --token-file the cluster's token?)" : ""
            throw UserError("the head at \(address) refused this client: \(text)\(hint)")
        } catch let error as WireError {
            throw UserError("handshake with \(address) failed: \(error)")
        } catch {
            throw UserError("cannot reach the head at \(address): \(error)")
        }
    }

    func token() throws -> ClusterToken {
        try UserError.wrap { try ClusterToken.load(environment: ProcessInfo.processInfo.environment, file: tokenFile) }
    }
}

enum DefaultPaths {
    static var home: String { ProcessInfo.processInfo.environment["HOME"] ?? "/root" }
    static var tokenFile: String { ProcessInfo.processInfo.environment["GROW_TOKEN_FILE"] ?? home + "/.grow/token" }
    static var stateDirectory: String { home + "/.grow/head" }
}

enum Address {
    static func parse(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else {
            throw UserError("address \"\(text)\" is not HOST:PORT (e.g. 10.0.0.5:6379)")
        }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard !host.isEmpty else { throw UserError("address \"\(text)\" has no host") }
        return (host, port)
    }
}

/// A mistake in what the user gave us: one line on stderr, exit code 2.
struct UserError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as UserError { throw error } catch { throw UserError("\(error)") }
    }

    static func wrap<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as UserError { throw error } catch {
            throw UserError("\(error)")
        }
    }
}

extension AsyncParsableCommand {
    /// Runs the verb; user errors become one line and exit code 2.
    func reportingUserErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as UserError {
            FileHandle.standardError.write(Data("grow-head: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}
