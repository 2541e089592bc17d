import GrowJob
import XCTest

final class TileTemplateTests: XCTestCase {
    private let values = TileTemplate.Values(
        tile: "t_3_4", index: 403, x: 3, y: 4, attempt: 2, job: 7, workDir: "/w", projectFolder: "/p")

    private func render(_ text: String) throws -> String {
        try TileTemplate.parse(text).get().render(values)
    }

    func testEveryPlaceholder() throws {
        XCTAssertEqual(
            try render("{tile}|{index}|{x}|{y}|{attempt}|{job}|{work_dir}|{project_folder}"),
            "t_3_4|403|3|4|2|7|/w|/p")
    }

    func testEscapesAndPlainText() throws {
        XCTAssertEqual(try render("{{tile}} = {tile}; }}"), "{tile} = t_3_4; }")
        XCTAssertEqual(try render("no placeholders"), "no placeholders")
        XCTAssertEqual(try render(""), "")
    }

    func testProblems() {
        for bad in ["{nope}", "{tile", "}", "a{}b"] {
            if case .success = TileTemplate.parse(bad) { XCTFail("accepted \(bad)") }
        }
    }
}
