import TileScheduler
import XCTest

final class HilbertCurveTests: XCTestCase {
    func testOrderIsAPermutationAndNeighboursAreAdjacent() {
        for width in [2, 16, 64] {
            let order = HilbertCurve.order(width: width, height: width)
            XCTAssertEqual(order.count, width * width)
            XCTAssertEqual(Set(order).count, width * width, "permutation of \(width)×\(width)")
            XCTAssertEqual(order.map(Int.init).max(), width * width - 1)
            for (a, b) in zip(order, order.dropFirst()) {
                let dx = abs(Int(a) % width - Int(b) % width)
                let dy = abs(Int(a) / width - Int(b) / width)
                XCTAssertEqual(dx + dy, 1, "\(a) → \(b) on \(width)×\(width)")
            }
        }
    }

    func testNonSquareAndSparseCellsAreStillAPermutation() {
        let order = HilbertCurve.order(width: 50, height: 30)
        XCTAssertEqual(Set(order).count, 1500)
        let sparse = HilbertCurve.order(of: [
            (x: -5, y: 7), (x: 1_000_000, y: -3), (x: -5, y: 7), (x: 0, y: 0),
        ])
        XCTAssertEqual(Set(sparse), [0, 1, 2, 3])
        XCTAssertEqual(HilbertCurve.order(of: []), [])
    }

    func testDistanceOfTheFourCellsOfA2x2Curve() {
        XCTAssertEqual(HilbertCurve.distance(x: 0, y: 0, side: 2), 0)
        XCTAssertEqual(HilbertCurve.distance(x: 0, y: 1, side: 2), 1)
        XCTAssertEqual(HilbertCurve.distance(x: 1, y: 1, side: 2), 2)
        XCTAssertEqual(HilbertCurve.distance(x: 1, y: 0, side: 2), 3)
    }
}
