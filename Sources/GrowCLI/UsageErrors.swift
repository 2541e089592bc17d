import ArgumentParser
import Foundation

extension AsyncParsableCommand {
    /// `main` for grow's binaries: argument mistakes exit with 2 (ArgumentParser's default is
    /// 64), like every other user error.
    package static func mainExitingTwoOnUsageErrors() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
