import ArgumentParser
import EOGrowBridge
import Foundation

/// The entries of a job file that eo-grow runs (pipelines grow does not implement): each goes to
/// eo-grow's driver, which reads the file with eo-grow and submits the executions to the head.
struct EOGrowSteps {
    /// The interpreter with eo-grow (`--python`, else `EOGrowInterpreter.resolve`).
    let python: String
    let config: String
    let variables: [String]
    let testPatches: [Int]

    init(python: String?, config: String, variables: [String], testPatches: [Int]) {
        self.python = EOGrowInterpreter.resolve(flag: python)
        self.config = config
        self.variables = variables
        self.testPatches = testPatches
    }

    /// Validates every eo-grow entry with eo-grow before anything runs, as eo-grow validates a
    /// whole chain first. A mistake is the driver's one line, and exit code 2.
    func check(_ jobs: [JobFile.Job]) async throws {
        let positions = jobs.filter { $0.eoGrowPipeline != nil }.map(\.position)
        guard !positions.isEmpty else { return }
        let status = try await drive(positions, submission: nil, environment: [:])
        if status != 0 { throw ExitCode(status == 2 ? 2 : 1) }
    }

    /// Runs one entry: eo-grow's steps here, its executions as a job of the head at `address`.
    /// Returns the driver's exit code (0 done, 1 failed, 2 a mistake it has reported).
    func run(_ job: JobFile.Job, address: String, tokenFile: String?, environment: [String: String] = [:])
        async throws -> Int32
    {
        let submission = EOGrowDriver.Submission(
            growHead: EOGrowInterpreter.currentExecutable, address: address, tokenFile: tokenFile)
        return try await drive([job.position], submission: submission, environment: environment)
    }

    private func drive(_ positions: [Int], submission: EOGrowDriver.Submission?, environment: [String: String])
        async throws -> Int32
    {
        let invocation = EOGrowDriver.Invocation(
            python: python, config: config, chainIndices: positions, variables: variables,
            testPatches: testPatches, submission: submission, environment: environment)
        do {
            return try await EOGrowDriver.run(invocation)
        } catch let problem as InterpreterProblem {
            throw UserError(problem.description)
        } catch {
            throw UserError("cannot start eo-grow's driver with \(python): \(error)")
        }
    }
}
