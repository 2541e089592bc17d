import GrowJob
import XCTest

final class JobSpecErrorTests: XCTestCase {
    /// Parses `json`, expecting an error at `keyPath` whose message contains `fragment`.
    private func expectError(
        _ json: String, keyPath: String, containing fragment: String, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        do {
            let spec = try JobSpec.parse(json: json, source: "job.json")
            XCTFail("expected an error at \(keyPath), parsed \(spec)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.source, "job.json", file: file, line: line)
            XCTAssertEqual(error.keyPath, keyPath, "\(error)", file: file, line: line)
            XCTAssertTrue(
                error.message.contains(fragment), "message \(error.message.debugDescription) lacks \(fragment)",
                file: file, line: line)
            let description = error.description
            XCTAssertFalse(description.contains("\n"), "not one line: \(description)", file: file, line: line)
            let prefix = keyPath.isEmpty ? "job.json: " : "job.json: \(keyPath): "
            XCTAssertTrue(description.hasPrefix(prefix), description, file: file, line: line)
        }
    }

    func testDescriptionFormat() {
        let error = JobSpecError(
            source: "job.json", keyPath: "sleep.alpha", message: "expected a number > 1, got \"x\"")
        XCTAssertEqual(error.description, "job.json: sleep.alpha: expected a number > 1, got \"x\"")
    }

    func testMissingPipeline() {
        expectError(#"{"tiles": 5}"#, keyPath: "pipeline", containing: "missing")
    }

    func testUnknownPipeline() {
        expectError(#"{"pipeline": "ndvi", "tiles": 5}"#, keyPath: "pipeline", containing: "\"command\"")
    }

    func testWrongTypes() {
        expectError(#"{"pipeline": 3, "tiles": 5}"#, keyPath: "pipeline", containing: "expected a string, got 3")
        expectError(#"{"pipeline": "noop", "tiles": true}"#, keyPath: "tiles", containing: "got true")
        expectError(#"{"pipeline": "noop", "tiles": 2.5}"#, keyPath: "tiles", containing: "integer")
        expectError(
            #"{"pipeline": "noop", "tiles": 2, "max_attempts": "3"}"#, keyPath: "max_attempts",
            containing: "got \"3\"")
        expectError(
            #"{"pipeline": "noop", "tiles": 2, "skip_existing": 1}"#, keyPath: "skip_existing",
            containing: "true or false")
        expectError(
            #"{"pipeline": "sleep", "tiles": 2, "sleep": {"pareto": {"scale_ms": 5, "alpha": "x"}}}"#,
            keyPath: "sleep.pareto.alpha", containing: "expected a number > 1, got \"x\"")
        expectError(
            #"{"pipeline": "command", "tiles": 2, "command": ["echo", 3]}"#, keyPath: "command[1]",
            containing: "expected a string")
        expectError("[1, 2]", keyPath: "", containing: "JSON object")
    }

    func testUnknownKeys() {
        expectError(#"{"pipeline": "noop", "tiles": 5, "tile": 1}"#, keyPath: "tile", containing: "unknown key")
        expectError(
            #"{"pipeline": "sleep", "tiles": 5, "sleep": {"scale": 1}}"#, keyPath: "sleep.scale",
            containing: "unknown key")
        expectError(
            #"{"pipeline": "sleep", "tiles": 5, "sleep": {"pareto": {"scale": 5, "alpha": 2}}}"#,
            keyPath: "sleep.pareto.scale", containing: "scale_ms")
        expectError(
            #"{"pipeline": "noop", "tiles": 5, "storage": {"folder": "/x"}}"#, keyPath: "storage.folder",
            containing: "project_folder")
        expectError(
            #"{"pipeline": "noop", "tiles": {"grid": {"columns": 2, "rows": 2, "cols": 3}}}"#,
            keyPath: "tiles.grid.cols", containing: "unknown key")
    }

    func testBadTemplatePlaceholders() {
        expectError(
            #"{"pipeline": "command", "tiles": 2, "command": ["run", "--in", "{tiel}"]}"#, keyPath: "command[2]",
            containing: "unknown placeholder {tiel}")
        expectError(
            #"{"pipeline": "command", "tiles": 2, "command": ["run", "{tile"]}"#, keyPath: "command[1]",
            containing: "unclosed")
        expectError(
            #"{"pipeline": "command", "tiles": 2, "command": ["run", "a}b"]}"#, keyPath: "command[1]",
            containing: "unmatched")
        expectError(
            #"{"pipeline": "command", "tiles": 2, "command": ["run", "{x}"]}"#, keyPath: "command[1]",
            containing: "grid")
        expectError(
            #"{"pipeline": "command", "tiles": 2, "command": ["run"], "environment": {"A": "{project_folder}"}}"#,
            keyPath: "environment.A", containing: "storage")
        expectError(
            #"{"pipeline": "command", "tiles": 2, "command": ["run"], "output": "{foo}.tif"}"#, keyPath: "output",
            containing: "unknown placeholder")
        expectError(
            #"{"pipeline": "command", "tiles": 2, "command": ["run"], "output": "{attempt}.tif"}"#, keyPath: "output",
            containing: "not known when tiles are planned")
    }

    func testCommandOnlyForCommandPipeline() {
        expectError(
            #"{"pipeline": "noop", "tiles": 2, "command": ["echo"]}"#, keyPath: "command", containing: "only for")
        expectError(#"{"pipeline": "command", "tiles": 2}"#, keyPath: "command", containing: "missing")
        expectError(
            #"{"pipeline": "command", "tiles": 2, "command": []}"#, keyPath: "command", containing: "non-empty")
        expectError(
            #"{"pipeline": "command", "tiles": 2, "command": [""]}"#, keyPath: "command[0]", containing: "program")
        expectError(
            #"{"pipeline": "noop", "tiles": 2, "environment": {"A": "b"}}"#, keyPath: "environment",
            containing: "only for")
        expectError(
            #"{"pipeline": "command", "tiles": 2, "command": ["x"], "environment": {"GROW_TILE": "b"}}"#,
            keyPath: "environment.GROW_TILE", containing: "set by grow")
        expectError(
            #"{"pipeline": "command", "tiles": 2, "command": ["x"], "environment": {"1A": "b"}}"#,
            keyPath: "environment.1A", containing: "variable name")
    }

    func testSleepRequiredAndForbidden() {
        expectError(#"{"pipeline": "sleep", "tiles": 2}"#, keyPath: "sleep", containing: "missing")
        expectError(
            #"{"pipeline": "noop", "tiles": 2, "sleep": {"fixed_ms": 1}}"#, keyPath: "sleep", containing: "only for")
        expectError(
            #"{"pipeline": "sleep", "tiles": 2, "sleep": {"fixed_ms": 1, "uniform": {"min_ms": 1, "max_ms": 2}}}"#,
            keyPath: "sleep", containing: "only one")
        expectError(
            #"{"pipeline": "sleep", "tiles": 2, "sleep": {"uniform": {"min_ms": 5, "max_ms": 2}}}"#,
            keyPath: "sleep.uniform.max_ms", containing: ">= min_ms")
        expectError(
            #"{"pipeline": "sleep", "tiles": 2, "sleep": {"pareto": {"alpha": 2}}}"#,
            keyPath: "sleep.pareto.scale_ms", containing: "missing")
        expectError(
            #"{"pipeline": "sleep", "tiles": 2, "sleep": {"fixed_ms": -1}}"#, keyPath: "sleep.fixed_ms",
            containing: ">= 0")
    }

    func testTileListProblems() {
        expectError(#"{"pipeline": "noop", "tiles": []}"#, keyPath: "tiles", containing: "at least one")
        expectError(
            #"{"pipeline": "noop", "tiles": ["a", "b", "a"]}"#, keyPath: "tiles[2]", containing: "duplicate")
        expectError(#"{"pipeline": "noop", "tiles": ["a", ""]}"#, keyPath: "tiles[1]", containing: "non-empty")
        expectError(#"{"pipeline": "noop", "tiles": ["a/b"]}"#, keyPath: "tiles[0]", containing: "'/'")
        expectError(#"{"pipeline": "noop", "tiles": 0}"#, keyPath: "tiles", containing: "integer in 1...")
        expectError(#"{"pipeline": "noop"}"#, keyPath: "area", containing: "missing")
        expectError(
            #"{"pipeline": "noop", "tiles": {"grid": {"columns": 0, "rows": 2}}}"#, keyPath: "tiles.grid.columns",
            containing: "integer in 1...")
        expectError(
            #"{"pipeline": "noop", "tiles": {"grid": {"columns": 100000, "rows": 100000}}}"#, keyPath: "tiles.grid",
            containing: "more than")
    }

    func testTestSubsetProblems() {
        expectError(
            #"{"pipeline": "noop", "tiles": ["a", "b"], "test_subset": ["a", "zz"]}"#, keyPath: "test_subset[1]",
            containing: "no tile named \"zz\"")
        expectError(
            #"{"pipeline": "noop", "tiles": 3, "test_subset": [3]}"#, keyPath: "test_subset[0]",
            containing: "0...2")
        expectError(
            #"{"pipeline": "noop", "tiles": 3, "test_subset": []}"#, keyPath: "test_subset", containing: "non-empty")
    }

    func testMaxAttemptsRange() {
        expectError(
            #"{"pipeline": "noop", "tiles": 3, "max_attempts": 0}"#, keyPath: "max_attempts",
            containing: "1...100, got 0")
        expectError(
            #"{"pipeline": "noop", "tiles": 3, "max_attempts": 101}"#, keyPath: "max_attempts",
            containing: "1...100, got 101")
    }

    func testSkipExistingNeedsOutput() {
        expectError(
            #"{"pipeline": "command", "tiles": 3, "command": ["x"], "skip_existing": true}"#, keyPath: "skip_existing",
            containing: "output")
    }

    func testOtherValueProblems() {
        expectError(
            #"{"pipeline": "noop", "tiles": 3, "tile_timeout": 0}"#, keyPath: "tile_timeout", containing: "> 0")
        expectError(#"{"pipeline": "noop", "tiles": 3, "name": ""}"#, keyPath: "name", containing: "printable")
    }

    func testSyntaxErrorsSayWhere() {
        expectError("", keyPath: "", containing: "empty document")
        expectError("{\"pipeline\": \"noop\",\n \"tiles\": 3,}", keyPath: "", containing: "line 2")
        expectError(#"{"pipeline": "noop", "tiles": [1, }"#, keyPath: "tiles[1]", containing: "invalid JSON")
        expectError(#"{"pipeline": "noop", "pipeline": "noop"}"#, keyPath: "pipeline", containing: "twice")
        expectError(#"{"pipeline": "noop", "tiles": 3} x"#, keyPath: "", containing: "after the end")
    }
}
