import Foundation
import GrowJob
import GrowTestSupport
import XCTest

final class ConfigLoaderTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = try makeScratchDirectory(self)
    }

    /// Writes `text` at `name` (relative to the scratch folder, folders created) and returns the path.
    @discardableResult
    private func write(_ name: String, _ text: String) throws -> String {
        let path = (root as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func load(_ name: String, variables: [String: String] = [:]) throws -> JSONValue {
        try JSONParser.parse(loadText(name, variables: variables))
    }

    private func loadText(_ name: String, variables: [String: String] = [:]) throws(JobSpecError) -> String {
        try ConfigLoader.load(path: name, variables: variables, workingDirectory: root)
    }

    private func loadError(_ name: String, variables: [String: String] = [:]) -> JobSpecError? {
        do {
            _ = try loadText(name, variables: variables)
            return nil
        } catch {
            return error
        }
    }

    /// The folder as the loader reports it (standardized, e.g. without a trailing slash).
    private func folder(_ relative: String = "") -> String {
        URL(fileURLWithPath: (root as NSString).appendingPathComponent(relative)).standardizedFileURL.path
    }

    func testPlainFileWithComments() throws {
        try write(
            "plain.json",
            """
            // a comment
            {
              "pipeline": "noop", /* inline */
              "tiles": 3
            }
            """)
        XCTAssertEqual(try load("plain.json"), .object(["pipeline": .string("noop"), "tiles": .number(3)]))
    }

    func testImportingKeysWinAndObjectsDeepMerge() throws {
        try write(
            "base.json",
            #"{"pipeline": "noop", "tiles": 1, "sleep": {"alpha": 1, "beta": 2}, "name": "base"}"#)
        try write(
            "job.json",
            #"{"**base": "base.json", "tiles": 5, "sleep": {"beta": 9}}"#)
        XCTAssertEqual(
            try load("job.json"),
            .object([
                "pipeline": .string("noop"), "tiles": .number(5), "name": .string("base"),
                "sleep": .object(["alpha": .number(1), "beta": .number(9)]),
            ]))
    }

    func testEarlierImportWinsOverLaterAndKeysKeepTheirOrder() throws {
        try write("a.json", #"{"x": "a", "y": "a", "deep": {"p": 1}}"#)
        try write("b.json", #"{"y": "b", "w": "b", "deep": {"p": 2, "q": 2}, "inner": {"**deep": "c.json"}}"#)
        try write("c.json", #"{"z": "c"}"#)
        try write("top.json", #"{"zz": 0, "**1": "a.json", "**2": "b.json", "aa": 0}"#)
        XCTAssertEqual(
            try load("top.json"),
            .object([
                "x": .string("a"), "y": .string("a"), "w": .string("b"), "zz": .number(0), "aa": .number(0),
                "deep": .object(["p": .number(1), "q": .number(2)]), "inner": .object(["z": .string("c")]),
            ]))
        // The object's own keys first, in their order, then what the imports add, in theirs.
        XCTAssertEqual(
            try loadText("top.json"),
            #"{"zz":0,"aa":0,"x":"a","y":"a","deep":{"p":1,"q":2},"w":"b","inner":{"z":"c"}}"#)
    }

    func testRelativeImportIsRelativeToTheWorkingDirectory() throws {
        try write("conf/job.json", #"{"**": "conf/parts/mid.json", "own": 1}"#)
        try write("conf/parts/mid.json", #"{"**": "${config_path}/leaf.json", "mid": 2}"#)
        try write("conf/parts/leaf.json", #"{"leaf": 3}"#)
        XCTAssertEqual(
            try load("conf/job.json"), .object(["own": .number(1), "mid": .number(2), "leaf": .number(3)]))
        // Written relative to the importing file, it is not found, and the message says why.
        try write("conf/wrong.json", #"{"**": "parts/leaf.json"}"#)
        let error = try XCTUnwrap(loadError("conf/wrong.json"))
        XCTAssertTrue(error.message.contains("${config_path}/parts/leaf.json"), error.description)
    }

    func testImportCycleIsAnErrorNamingTheChain() throws {
        try write("a.json", #"{"**b": "${config_path}/b.json"}"#)
        try write("b.json", #"{"nested": {"**a": "${config_path}/a.json"}}"#)
        let error = try XCTUnwrap(loadError("a.json"))
        XCTAssertTrue(error.message.contains("cycle"), error.description)
        XCTAssertTrue(error.message.contains("a.json"), error.description)
        XCTAssertTrue(error.message.contains("b.json"), error.description)
        XCTAssertTrue(error.source.hasSuffix("b.json"), error.description)
        XCTAssertEqual(error.keyPath, "nested.**a")
        XCTAssertFalse(error.description.contains("\n"))
    }

    func testMissingImportNamesFileAndKeyPath() throws {
        try write("job.json", #"{"storage": {"**defaults": "nowhere.json"}}"#)
        let error = try XCTUnwrap(loadError("job.json"))
        XCTAssertTrue(error.source.hasSuffix("job.json"), error.description)
        XCTAssertEqual(error.keyPath, "storage.**defaults")
        XCTAssertTrue(error.message.contains("nowhere.json"), error.description)
    }

    func testMissingTopLevelFileAndBadJSON() throws {
        let missing = try XCTUnwrap(loadError("absent.json"))
        XCTAssertTrue(missing.source.hasSuffix("absent.json"))
        try write("bad.json", "{\n  \"tiles\": ,\n}")
        try write("uses-bad.json", #"{"**": "${config_path}/bad.json"}"#)
        let bad = try XCTUnwrap(loadError("uses-bad.json"))
        XCTAssertTrue(bad.source.hasSuffix("bad.json"), bad.description)
        XCTAssertEqual(bad.keyPath, "tiles")
        XCTAssertTrue(bad.message.contains("line 2"), bad.description)
    }

    func testConfigPathIsTheFolderOfTheFileItIsWrittenIn() throws {
        try write("top/job.json", #"{"**": "${config_path}/sub/part.json", "here": "${config_path}/x"}"#)
        try write(
            "top/sub/part.json",
            #"{"there": "${config_path}", "up": ["${config_path}/../x/./y"], "${config_path}": "key"}"#)
        XCTAssertEqual(
            try load("top/job.json"),
            .object([
                "here": .string(folder("top") + "/x"), "there": .string(folder("top/sub")),
                "up": .array([.string(folder("top/x/y"))]), folder("top/sub"): .string("key"),
            ]))
    }

    func testVariablesFromConfigOverriddenByArgumentAndRemoved() throws {
        try write("vars.json", #"{"variables": {"x": "from-import", "y": "why"}}"#)
        try write(
            "job.json",
            #"{"**": "vars.json", "variables": {"x": "from-config"}, "a": "${var:x}", "b": "<${var:y}>", "c": "${HOME}"}"#
        )
        XCTAssertEqual(
            try load("job.json"),
            .object(["a": .string("from-config"), "b": .string("<why>"), "c": .string("${HOME}")]))
        XCTAssertEqual(
            try load("job.json", variables: ["x": "from-argument"]),
            .object(["a": .string("from-argument"), "b": .string("<why>"), "c": .string("${HOME}")]))
    }

    func testVariablesOfAnyJSONTypeAndInKeys() throws {
        try write(
            "job.json",
            #"{"variables": {"n": 3, "f": 0.5, "t": true, "z": null, "k": "key"}, "v": "${var:n}/${var:f}/${var:t}/${var:z}", "${var:k}": 1}"#
        )
        XCTAssertEqual(try load("job.json"), .object(["v": .string("3/0.5/True/None"), "key": .number(1)]))
        try write("bad-name.json", #"{"variables": {"a-b": "x"}}"#)
        XCTAssertTrue(try XCTUnwrap(loadError("bad-name.json")).message.contains("a-b"))
    }

    func testUnknownVariableNamesFileAndKeyPath() throws {
        try write("part.json", #"{"command": ["echo", "${var:missing}"]}"#)
        try write("job.json", #"{"job": {"**": "${config_path}/part.json"}}"#)
        let error = try XCTUnwrap(loadError("job.json"))
        XCTAssertTrue(error.source.hasSuffix("part.json"), error.description)
        XCTAssertEqual(error.keyPath, "command[1]")
        XCTAssertTrue(error.message.contains("missing"), error.description)
    }

    func testEnvironmentVariable() throws {
        try write("job.json", #"{"path": "${env:PATH}", "bad": "${env:GROW_SURELY_UNSET_VARIABLE_42}"}"#)
        let error = try XCTUnwrap(loadError("job.json"))
        XCTAssertEqual(error.keyPath, "bad")
    }

    func testParseVariableAssignments() throws {
        XCTAssertEqual(
            try ConfigLoader.parseVariableAssignments(["a:1", "url:http://x:80", "a:2"]),
            ["a": "2", "url": "http://x:80"])
        XCTAssertEqual(try ConfigLoader.parseVariableAssignments([]), [:])
        XCTAssertThrowsError(try ConfigLoader.parseVariableAssignments(["novalue"])) { error in
            XCTAssertTrue((error as? JobSpecError)?.message.contains("novalue") == true)
        }
        XCTAssertThrowsError(try ConfigLoader.parseVariableAssignments([":value"]))
        XCTAssertThrowsError(try ConfigLoader.parseVariableAssignments(["empty:"]))
    }

    func testResultParsesAsACommandJob() throws {
        try write("common.json", #"{"pipeline": "command", "tiles": 2, "variables": {"script": "run.py"}}"#)
        let path = try write(
            "job.json",
            """
            {
              // shared settings
              "**common": "${config_path}/common.json",
              "command": ["python", "${config_path}/${var:script}", "--tile", "{tile}", "--mode=${var:mode}"]
            }
            """)
        let json = try ConfigLoader.load(
            path: path, variables: try ConfigLoader.parseVariableAssignments(["mode:fast"]))
        let spec = try JobSpec.parse(json: json, source: path)
        XCTAssertEqual(spec.pipeline, .command)
        XCTAssertEqual(spec.command, ["python", folder() + "/run.py", "--tile", "{tile}", "--mode=fast"])
    }
}
