import Foundation
import GrowJob
import XCTest

final class CanonicalJSONTests: XCTestCase {
    private let specs = [
        #"{"pipeline": "noop", "tiles": 3}"#,
        #"{"pipeline": "noop", "tiles": ["a", "b\"q", "ü"], "test_subset": ["a"]}"#,
        #"{"pipeline": "sleep", "tiles": {"grid": {"columns": 7, "rows": 3}, "prefix": "g"}, "sleep": {"pareto": {"scale_ms": 5, "alpha": 1.5}, "seed": 42}, "tile_timeout": 0.1}"#,
        #"{"pipeline": "sleep", "tiles": 10, "sleep": {"lognormal": {"median_ms": 20.25, "sigma": 0.3}}}"#,
        #"{"pipeline": "sleep", "tiles": 10, "sleep": {"uniform": {"min_ms": 0, "max_ms": 1e-3}}, "max_attempts": 100}"#,
        #"{"pipeline": "sleep", "tiles": 10, "sleep": {"fixed_ms": 3}}"#,
        """
        {"name": "n\\u00e9 x", "pipeline": "command", "tiles": {"grid": {"columns": 2, "rows": 2}},
         "command": ["sh", "-c", "echo {tile} {{x}} > {project_folder}/{x}_{y}"], "environment": {"A": "{job}", "B": ""},
         "storage": {"project_folder": "/p"}, "skip_existing": true, "output": "{project_folder}/{tile}",
         "raise_on_failure": true, "test_subset": [3, 1]}
        """,
    ]

    func testRoundTripGivesEqualSpec() throws {
        for json in specs {
            let spec = try JobSpec.parse(json: json, source: "a.json")
            let canonical = spec.canonicalJSON()
            let again = try JobSpec.parse(json: canonical, source: "canonical")
            XCTAssertEqual(again, spec, canonical)
            XCTAssertEqual(again.canonicalJSON(), canonical, "canonical form is stable")
        }
    }

    func testCanonicalFormIsCompactSortedAndExplicit() throws {
        let spec = try JobSpec.parse(json: #"{"tiles": 2, "pipeline": "noop"}"#, source: "a.json")
        XCTAssertEqual(
            spec.canonicalJSON(),
            #"{"max_attempts":3,"name":"noop","pipeline":"noop","raise_on_failure":true,"skip_existing":false,"tiles":2}"#
        )
    }

    func testKeyOrderInInputDoesNotMatter() throws {
        let a = try JobSpec.parse(
            json: #"{"pipeline": "sleep", "tiles": 4, "sleep": {"seed": 1, "fixed_ms": 2}}"#, source: "a")
        let b = try JobSpec.parse(
            json: #"{"sleep": {"fixed_ms": 2, "seed": 1}, "tiles": 4, "pipeline": "sleep"}"#, source: "b")
        XCTAssertEqual(a.canonicalJSON(), b.canonicalJSON())
    }

    func testAPipelinesParametersKeepTheConfigsOrderToTheWorkers() throws {
        // eo-grow writes FEATURES as the bands, then the indices in the order of `ndis`: a worker
        // gets the spec as canonical JSON, so that order must survive it.
        let json = """
            {"pipeline": "features", "tiles": ["t"], "storage": {"project_folder": "/p", "structure": {"data": "d", "features": "f"}},
             "input_folder_key": "data", "output_folder_key": "features", "bands_feature_name": "BANDS", "data_preparation": {"valid_data_feature_name": "IS_DATA"}, "output_feature_name": "FEATURES", 
             "ndis": {"NDVI": [3, 2], "NDWI": [1, 3], "NDMI": [3, 4]}}
            """
        let spec = try JobSpec.parse(json: json, source: "features.json")
        let shipped = try JobSpec.parse(json: spec.canonicalJSON(), source: "canonical")
        for parsed in [spec, shipped] {
            guard case .features(let parameters)? = parsed.eo else {
                return XCTFail("\(String(describing: parsed.eo))")
            }
            XCTAssertEqual(parameters.indices.map(\.name), ["NDVI", "NDWI", "NDMI"])
        }
        XCTAssertTrue(
            spec.canonicalJSON().contains(#""ndis":{"NDVI":[3,2],"NDWI":[1,3],"NDMI":[3,4]}"#), spec.canonicalJSON())
    }

    func testSpecBuiltInCodeRoundTrips() throws {
        let tiles = try XCTUnwrap(TileSet.numbered(12))
        let spec = JobSpec(
            pipeline: .command, tiles: tiles, command: ["echo", "{tile}"], environment: ["K": "v"],
            tileTimeoutSeconds: 1.5, testSubset: [11])
        XCTAssertEqual(try JobSpec.parse(json: spec.canonicalJSON(), source: "x"), spec)
    }

    func testJSONValueEscapesControlCharacters() {
        XCTAssertEqual(JSONValue.string("a\u{01}\"\\\n").canonicalText, #""a\u0001\"\\\n""#)
    }

    func testCanonicalTextDecodesToTheSameValueWithJSONDecoder() throws {
        for json in specs {
            let spec = try JobSpec.parse(json: json, source: "a.json")
            let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(spec.canonicalJSON().utf8))
            XCTAssertEqual(decoded, spec.canonicalValue, json)
            let reencoded = try JSONEncoder().encode(decoded)
            XCTAssertEqual(try JSONDecoder().decode(JSONValue.self, from: reencoded), decoded)
        }
    }
}
