import GrowJob
import XCTest

/// The `eogrow` jobs grow's eo-grow driver submits, and how a config naming an eo-grow class grow
/// does not implement is told apart from grow's own pipelines.
final class EOGrowTaskTests: XCTestCase {
    private let task = #"{"pipeline": "my_project.pipelines.Ndvi", "payload": "gASVAAAA", "sys_path": ["/p"]}"#

    private func parse(_ json: String) throws(JobSpecError) -> JobSpec {
        try JobSpec.parse(json: json, source: "job.json")
    }

    private func expectError(_ json: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let spec = try parse(json)
            XCTFail("expected \(expected), parsed \(spec)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.description, expected, file: file, line: line)
        }
    }

    func testAnEOGrowJobRoundTripsAndItsReportLeavesThePayloadOut() throws {
        let spec = try parse(
            #"{"pipeline": "eogrow", "name": "Ndvi", "tiles": ["a", "b"], "eogrow": \#(task), "max_attempts": 2}"#)
        XCTAssertEqual(spec.pipeline, .eogrow)
        XCTAssertEqual(
            spec.eoGrow,
            EOGrowTask(
                pipeline: "my_project.pipelines.Ndvi", payload: "gASVAAAA", sysPath: ["/p"], workingDirectory: nil))
        XCTAssertFalse(spec.pipeline.isEO, "no native EO parameters")
        XCTAssertEqual(try parse(spec.canonicalJSON()), spec)
        guard case .object(let report) = spec.reportValue, case .object(let eoGrow)? = report["eogrow"] else {
            return XCTFail("\(spec.reportValue)")
        }
        XCTAssertEqual(eoGrow["payload"], .string("8 bytes of pickled executions"))
        XCTAssertEqual(eoGrow["pipeline"], .string("my_project.pipelines.Ndvi"))
    }

    func testMistakesInAnEOGrowJob() {
        expectError(
            #"{"pipeline": "eogrow", "tiles": 2}"#,
            #"job.json: eogrow: missing; expected {"pipeline": a class path, "payload": the pickled executions}, as grow's eo-grow driver writes it"#
        )
        expectError(
            #"{"pipeline": "noop", "tiles": 2, "eogrow": \#(task)}"#,
            #"job.json: eogrow: only for "pipeline": "eogrow", not "noop""#)
        expectError(
            #"{"pipeline": "eogrow", "tiles": 2, "eogrow": {"pipeline": "Ndvi", "payload": "x"}}"#,
            #"job.json: eogrow.pipeline: expected a class path such as my_project.pipelines.MyPipeline, got "Ndvi""#)
        expectError(
            #"{"pipeline": "eogrow", "tiles": 2, "eogrow": {"pipeline": "a.B"}}"#,
            "job.json: eogrow.payload: missing; expected the pickled executions (base64)")
        expectError(
            #"{"pipeline": "eogrow", "tiles": 2, "eogrow": {"pipeline": "a.B", "payload": "x", "config": "{}"}}"#,
            "job.json: eogrow.config: unknown key; expected one of pipeline, payload, sys_path, working_directory")
    }

    func testAnEOGrowClassGrowDoesNotImplementIsNamedAsSuch() {
        expectError(
            #"{"pipeline": "my_project.pipelines.Ndvi", "tiles": 2}"#,
            #"job.json: pipeline: "my_project.pipelines.Ndvi" is not one of grow's own pipelines: grow-head run and grow-head submit run it through eo-grow (docs/eogrow.md)"#
        )
        do {
            _ = try parse(#"{"pipeline": "ndvi", "tiles": 2}"#)
            XCTFail("ndvi is no pipeline")
        } catch {
            XCTAssertTrue(
                error.description.hasPrefix(#"job.json: pipeline: unknown pipeline "ndvi"; expected one of "command""#),
                error.description)
            XCTAssertTrue(error.description.hasSuffix(#""eogrow""#), error.description)
        }
    }

    func testForeignClassesInConfigs() {
        func foreign(_ pipeline: String) -> String? {
            PipelineNames.foreignEOGrowClass(inConfig: #"{"pipeline": "\#(pipeline)", "area": {}}"#)
        }
        XCTAssertEqual(foreign("my_pipelines.NdviPipeline"), "my_pipelines.NdviPipeline")
        XCTAssertEqual(
            foreign("eogrow.pipelines.download.DownloadPipeline"), "eogrow.pipelines.download.DownloadPipeline")
        XCTAssertNil(foreign("eogrow.pipelines.features.FeaturesPipeline"), "grow implements it")
        XCTAssertNil(foreign("features"))
        XCTAssertNil(foreign("eogrow"), "grow's own job kind, not a class")
        XCTAssertNil(foreign("no.such..Thing"))
        XCTAssertNil(foreign("1st.Pipeline"))
        XCTAssertNil(PipelineNames.foreignEOGrowClass(inConfig: "[1, 2]"))
    }
}
