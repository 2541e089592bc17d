import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The client's side of an eo-grow pipeline grow does not implement natively: runs the driver
/// (`DriverScript`) with eo-grow's interpreter, which does the pipeline's own steps and hands the
/// executions to the head with `grow-head submit --wait`. Its output is the user's.
package enum EOGrowDriver {
    package struct Invocation: Sendable {
        /// An absolute path to the interpreter (`EOGrowInterpreter.check`).
        package var python: String
        package var config: String
        /// The entry of a pipeline chain to run (nil: the file holds one config).
        package var chainIndex: Int?
        /// `-v name:value` as given.
        package var variables: [String]
        /// This grow-head, which the driver calls to submit the executions.
        package var growHead: String
        package var address: String
        package var tokenFile: String?
        /// Set for the driver besides the inherited environment (e.g. the token of `run`'s head).
        package var environment: [String: String]

        package init(
            python: String, config: String, chainIndex: Int?, variables: [String], growHead: String, address: String,
            tokenFile: String?, environment: [String: String] = [:]
        ) {
            self.python = python
            self.config = config
            self.chainIndex = chainIndex
            self.variables = variables
            self.growHead = growHead
            self.address = address
            self.tokenFile = tokenFile
            self.environment = environment
        }

        var arguments: [String] {
            var arguments = ["--config", config]
            if let chainIndex { arguments += ["--chain-index", String(chainIndex)] }
            for variable in variables { arguments += ["-v", variable] }
            arguments += ["--grow-head", growHead, "--address", address]
            if let tokenFile { arguments += ["--token-file", tokenFile] }
            return arguments
        }
    }

    /// Runs the driver to its end; returns its exit code (0 all executions done, 1 some failed,
    /// 2 a mistake of the user's, which the driver has reported).
    package static func run(_ invocation: Invocation) async throws -> Int32 {
        let script = try ScriptFile(source: DriverScript.source, name: "grow_eogrow_driver.py")
        defer { script.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: invocation.python)
        process.arguments = [script.path] + invocation.arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in invocation.environment { environment[key] = value }
        // The driver's own output, eo-grow's logs and the progress of `grow-head submit` interleave.
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        let ended = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in ended.continuation.finish() }
        try process.run()
        for await _ in ended.stream {}
        switch process.terminationReason {
        case .exit: return process.terminationStatus
        default: return 1
        }
    }
}
