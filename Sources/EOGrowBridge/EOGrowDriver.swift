import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The client's side of an eo-grow pipeline grow does not implement natively: runs the driver
/// (`DriverScript`) with eo-grow's interpreter. The driver does the pipeline's own steps and hands
/// the executions to the head with `grow-head submit --wait`; its output is the user's.
package enum EOGrowDriver {
    package struct Invocation: Sendable {
        /// The interpreter with eo-grow (`EOGrowInterpreter.resolve`).
        package var python: String
        package var config: String
        /// The entries of a pipeline chain (empty: the file holds one config).
        package var chainIndices: [Int]
        /// `-v name:value` as given.
        package var variables: [String]
        /// `-t N`: the patches to run, by index (eo-grow's `test_subset`).
        package var testPatches: [Int]
        /// Where the driver submits the executions: this grow-head and the head's address; nil
        /// only to check the configs.
        package var submission: Submission?
        /// Set for the driver besides the inherited environment (e.g. `run`'s cluster token).
        package var environment: [String: String]

        package init(
            python: String, config: String, chainIndices: [Int], variables: [String], testPatches: [Int] = [],
            submission: Submission?, environment: [String: String] = [:]
        ) {
            self.python = python
            self.config = config
            self.chainIndices = chainIndices
            self.variables = variables
            self.testPatches = testPatches
            self.submission = submission
            self.environment = environment
        }

        var arguments: [String] {
            var arguments = ["--config", config, "--interpreter", python]
            for index in chainIndices { arguments += ["--chain-index", String(index)] }
            for variable in variables { arguments += ["-v", variable] }
            for index in testPatches { arguments += ["-t", String(index)] }
            if let submission {
                arguments += ["--grow-head", submission.growHead, "--address", submission.address]
                if let tokenFile = submission.tokenFile { arguments += ["--token-file", tokenFile] }
            } else {
                arguments.append("--check")
            }
            return arguments
        }
    }

    package struct Submission: Sendable {
        package var growHead: String
        package var address: String
        package var tokenFile: String?

        package init(growHead: String, address: String, tokenFile: String?) {
            self.growHead = growHead
            self.address = address
            self.tokenFile = tokenFile
        }
    }

    /// Runs the driver to its end; returns its exit code: 0 done, 1 the pipeline failed, 2 a
    /// mistake of the user's, which the driver has reported in one line.
    package static func run(_ invocation: Invocation) async throws -> Int32 {
        guard let python = EOGrowInterpreter.locate(invocation.python) else {
            throw InterpreterProblem(EOGrowInterpreter.problem(invocation.python, reason: "no such program"))
        }
        let script = try ScriptFile(source: DriverScript.source, name: "grow_eogrow_driver.py")
        defer { script.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path] + invocation.arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in invocation.environment { environment[key] = value }
        // The driver's output, eo-grow's and that of `grow-head submit` interleave in order.
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        let ended = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in ended.continuation.finish() }
        // What this process printed comes before what the driver prints.
        fflush(nil)  // every output stream: stdout is all this process has written to
        try process.run()
        for await _ in ended.stream {}
        switch process.terminationReason {
        case .exit: return process.terminationStatus
        default: return 1
        }
    }
}
