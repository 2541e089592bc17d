import Foundation
import XCTest

/// Who provides something a test needs, so that the message names the step to run (or, on CI,
/// the step that is broken).
package enum RequirementSource: Sendable, Equatable {
    /// scripts/install-deps (apt and pip packages: moto, numpy, GDAL's python bindings, sshd...).
    case installDeps
    /// `swift build --build-tests` (grow-head and grow-worker next to the test bundle).
    case build
    /// scripts/fetch-sample-data (the Landsat scene in .cache/data).
    case sampleData
    /// The machine the tests run on (root, network namespaces): not something a script installs.
    case machine(String)

    var step: String {
        switch self {
        case .installDeps: "install step"
        case .build: "build step"
        case .sampleData: "sample-data step"
        case .machine: "test machine's set-up"
        }
    }

    var fix: String {
        switch self {
        case .installDeps: "scripts/install-deps installs it"
        case .build: "swift build --build-tests builds it"
        case .sampleData: "scripts/fetch-sample-data fetches it"
        case .machine(let fix): fix
        }
    }
}

/// Thrown after the failure is recorded on CI, to stop the test there (it cannot go on without
/// what is missing).
package struct RequirementMissing: Error, CustomStringConvertible {
    package let what: String
    package var description: String { "stopped: \(what) is missing (see the failure above)" }
}

/// Whether `environment` is a CI run: `CI=true` (what GitHub, GitLab and most CI services set)
/// or `CI=1`.
package func isContinuousIntegration(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
    guard let value = environment["CI"]?.lowercased() else { return false }
    return value == "true" || value == "1"
}

/// The one gate for everything a test needs from outside the package (a tool, a python module,
/// root, a built binary, sample data). Returns when `available`. Otherwise a developer's run
/// skips the test with what to do; a CI run (`CI=true`) records a failure instead and stops the
/// test, because there a missing piece means a broken install or build step, and a run must not
/// go green by skipping.
///
/// `environment` and `recordFailure` are parameters only so that the helper's own tests can
/// drive both modes.
package func requirement(
    _ what: String, available: Bool, from source: RequirementSource = .installDeps,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    recordFailure: (String, StaticString, UInt) -> Void = { XCTFail($0, file: $1, line: $2) },
    file: StaticString = #filePath, line: UInt = #line
) throws {
    if available { return }
    if isContinuousIntegration(environment) {
        recordFailure("CI=true: \(what) is missing, so the \(source.step) is broken (\(source.fix))", file, line)
        throw RequirementMissing(what: what)
    }
    throw XCTSkip("\(what) is missing (\(source.fix))", file: file, line: line)
}

/// `requirement` for something found or not: returns `value` when there is one.
package func requirement<Value>(
    _ what: String, _ value: Value?, from source: RequirementSource = .installDeps,
    file: StaticString = #filePath, line: UInt = #line
) throws -> Value {
    if let value { return value }
    try requirement(what, available: false, from: source, file: file, line: line)
    preconditionFailure("requirement throws when something is missing")
}

/// A test harness step that went wrong (a server that did not start, a command that failed):
/// a failure everywhere, never a skip.
package struct HarnessError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
