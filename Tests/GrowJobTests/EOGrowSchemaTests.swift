import GrowJob
import GrowTestSupport
import XCTest

/// The schemas grow declares for eo-grow's sampling, merge samples and export maps classes hold
/// every key eo-grow 1.7.15's own schema has, no other eo-grow key, and the same defaults.
final class EOGrowSchemaTests: XCTestCase {
    func testKeysAndDefaultsEqualEoGrowsPydanticSchemas() throws {
        try EOGrowVenv.require()
        let classes = [
            "eogrow.pipelines.sampling.FractionSamplingPipeline", "eogrow.pipelines.sampling.BlockSamplingPipeline",
            "eogrow.pipelines.sampling.GridSamplingPipeline", "eogrow.pipelines.merge_samples.MergeSamplesPipeline",
            "eogrow.pipelines.export_maps.ExportMapsPipeline",
        ]
        let output = try EOGrowVenv.runPython(
            """
            import importlib, json, sys
            out = {}
            for path in sys.argv[1:]:
                module, name = path.rsplit(".", 1)
                schema = getattr(importlib.import_module(module), name).Schema
                out[path] = {key: None if field.required else json.dumps(field.get_default())
                             for key, field in schema.__fields__.items()}
            print(json.dumps(out))
            """, classes)
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        let theirs = try JSONDecoder().decode([String: [String: String?]].self, from: Data(line.utf8))
        for path in classes {
            guard let ours = JobSchema.keys(for: path), let reference = theirs[path] else {
                return XCTFail("no schema for \(path)")
            }
            let eoGrowKeys = ours.filter { $0.origin == .eoGrow }
            XCTAssertEqual(Set(eoGrowKeys.names), Set(reference.keys), path)
            for key in eoGrowKeys {
                guard let expected = reference[key.name] else { continue }
                let normalized = key.defaultText.map { try? JSONValue.normalized($0) } ?? nil
                let eoGrows = expected.map { try? JSONValue.normalized($0) } ?? nil
                XCTAssertEqual(normalized, eoGrows, "\(path): \(key.name)")
            }
            XCTAssertTrue(ours.filter { $0.origin == .grow }.allSatisfy { reference[$0.name] == nil }, path)
        }
    }
}

extension JSONValue {
    /// A default as canonical JSON text, so `1` and `1.0`, `[]` and `[ ]` compare equal.
    static func normalized(_ text: String) throws -> String {
        try JSONParser.parse(text).canonicalText
    }
}
