import GrowTestSupport
import XCTest

/// `requirement` in both modes, with the environment injected: a developer's run skips with
/// what to do, a CI run fails with the step that is broken.
final class RequirementTests: XCTestCase {
    /// What `requirement` did: the failures it recorded and what it threw.
    private struct Outcome {
        var failures: [String] = []
        var thrown: (any Error)?
    }

    private func check(
        _ what: String, available: Bool, from source: RequirementSource = .installDeps, environment: [String: String]
    ) -> Outcome {
        var outcome = Outcome()
        do {
            try requirement(
                what, available: available, from: source, environment: environment,
                recordFailure: { message, _, _ in outcome.failures.append(message) })
        } catch {
            outcome.thrown = error
        }
        return outcome
    }

    func testWhatIsThereNeitherSkipsNorFails() {
        for environment in [[:], ["CI": "true"]] {
            let outcome = check("moto_server", available: true, environment: environment)
            XCTAssertEqual(outcome.failures, [], "\(environment)")
            XCTAssertNil(outcome.thrown, "\(environment)")
        }
    }

    func testMissingSkipsOutsideCI() throws {
        for environment in [[:], ["CI": "false"], ["CI": ""], ["PATH": "/usr/bin:/bin"]] {
            let outcome = check("moto_server", available: false, environment: environment)
            XCTAssertEqual(outcome.failures, [], "a skip records no failure: \(environment)")
            let skip = try XCTUnwrap(outcome.thrown as? XCTSkip, "\(String(describing: outcome.thrown))")
            XCTAssertEqual(skip.message, "moto_server is missing (scripts/install-deps installs it)")
        }
    }

    func testMissingFailsOnCIInsteadOfSkipping() throws {
        for value in ["true", "TRUE", "1"] {
            let outcome = check("moto_server", available: false, environment: ["CI": value])
            XCTAssertEqual(
                outcome.failures,
                ["CI=true: moto_server is missing, so the install step is broken (scripts/install-deps installs it)"])
            XCTAssertFalse(outcome.thrown is XCTSkip, "a CI run must not count the test as skipped")
            let stop = try XCTUnwrap(outcome.thrown as? RequirementMissing)
            XCTAssertEqual(stop.what, "moto_server")
        }
    }

    func testEachSourceNamesItsStep() {
        let ci = ["CI": "true"]
        XCTAssertEqual(
            check("grow-head", available: false, from: .build, environment: ci).failures,
            ["CI=true: grow-head is missing, so the build step is broken (swift build --build-tests builds it)"])
        XCTAssertEqual(
            check("the sample scene", available: false, from: .sampleData, environment: ci).failures,
            [
                "CI=true: the sample scene is missing, so the sample-data step is broken (scripts/fetch-sample-data fetches it)"
            ])
        XCTAssertEqual(
            check("root", available: false, from: .machine("run the tests as root"), environment: ci).failures,
            ["CI=true: root is missing, so the test machine's set-up is broken (run the tests as root)"])
    }

    /// The real gate, as the S3 tests use it, on this process's environment: passes where moto is
    /// installed; with PATH cleared of it, skips, or fails under CI=true (see scripts/test).
    func testMotoServerOnThisPATH() throws {
        _ = try requirement("moto_server (pip install 'moto[server]') on PATH", which("moto_server"))
    }

    func testCIDetection() {
        XCTAssertTrue(isContinuousIntegration(["CI": "true"]))
        XCTAssertTrue(isContinuousIntegration(["CI": "1"]))
        XCTAssertFalse(isContinuousIntegration([:]))
        XCTAssertFalse(isContinuousIntegration(["CI": "false"]))
        XCTAssertFalse(isContinuousIntegration(["CONTINUOUS_INTEGRATION": "true"]))
    }
}
