import EOPipelines
import Foundation
import GrowTestSupport
import XCTest

/// grow draws samples with NumPy's own generator (PCG64 seeded through SeedSequence, Lemire's
/// bounded integers, Generator.choice without replacement), so a seed gives the samples eo-grow
/// gives. Checked against the NumPy eo-grow runs with.
final class NumpyRandomTests: XCTestCase {
    override func setUpWithError() throws {
        try EOGrowVenv.require()
    }

    func testPatchSeedsAreEoGrowsIntegerDraws() throws {
        let seeds: [UInt64] = [0, 7, 42, 4_294_967_301, 1 << 53]
        let expected = try EOGrowVenv.runPython(
            """
            import json, sys
            import numpy as np
            out = []
            for s in json.loads(sys.argv[1]):
                g = np.random.default_rng(s)
                out.append([int(g.integers(low=0, high=2**32)) for _ in range(7)])
            print(json.dumps(out))
            """, ["[" + seeds.map(String.init).joined(separator: ",") + "]"])
        let ours = seeds.map { seed in (0..<7).map { EOGrowSeeds.seed(forPatchAt: $0, configSeed: seed) } }
        XCTAssertEqual(try JSONDecoder().decode([[UInt64]].self, from: Data(expected.utf8)), ours)
    }

    func testChoiceWithoutReplacementEqualsNumpy() throws {
        // Floyd's algorithm (small populations or samples), the tail shuffle (large shares of
        // large populations), empty and whole samples, and several draws from one generator
        // (the second uses the 32-bit half the first left over).
        let cases: [(population: Int, size: Int)] = [
            (10, 0), (10, 3), (10, 10), (1, 1), (2, 1), (5000, 1234), (20_000, 100), (20_000, 500), (20_000, 20_000),
            (30_001, 12_345), (10_000, 9_999),
        ]
        let text = "[" + cases.map { "[\($0.population),\($0.size)]" }.joined(separator: ",") + "]"
        for seed: UInt64 in [3, 1_234_567_890] {
            let expected = try EOGrowVenv.runPython(
                """
                import json, sys
                import numpy as np
                g = np.random.default_rng(int(sys.argv[2]))
                print(json.dumps([g.choice(np.arange(p), size=n, replace=False).tolist() for p, n in json.loads(sys.argv[1])]))
                """, [text, String(seed)])
            var generator = PCG64(seed: seed)
            let ours = cases.map { generator.choiceWithoutReplacement(population: $0.population, size: $0.size) }
            let theirs = try JSONDecoder().decode([[Int]].self, from: Data(expected.utf8))
            for (index, item) in cases.enumerated() {
                XCTAssertEqual(
                    ours[index], theirs[index], "seed \(seed), choice of \(item.size) from \(item.population)")
            }
        }
    }

    func testBoundedIntegersBeyond32BitsEqualNumpy() throws {
        let expected = try EOGrowVenv.runPython(
            """
            import json
            import numpy as np
            g = np.random.default_rng(99)
            print(json.dumps([int(g.integers(0, 2**40 + 7)) for _ in range(5)] + [int(g.integers(0, 1000)) for _ in range(5)]))
            """)
        var generator = PCG64(seed: 99)
        let ours =
            (0..<5).map { _ in generator.bounded((1 << 40) + 6) } + (0..<5).map { _ in generator.bounded(999) }
        XCTAssertEqual(try JSONDecoder().decode([UInt64].self, from: Data(expected.utf8)), ours)
    }
}
