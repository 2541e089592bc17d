import Dashboard
import XCTest

final class StreamHistoryTests: XCTestCase {
    func testAReaderGetsWhatCameAfterItsCursorAndAResyncWhenItFellBehind() {
        var history = StreamHistory(capacity: 3)
        XCTAssertEqual(history.after(0), .batches([], last: 0))
        for text in ["a", "b", "c", "d"] { history.append(text) }
        XCTAssertEqual(history.after(2), .batches(["c", "d"], last: 4))
        XCTAssertEqual(history.after(1), .batches(["b", "c", "d"], last: 4))
        XCTAssertEqual(history.after(0), .resync(last: 4), "batch 1 is gone")
        XCTAssertEqual(history.after(4), .batches([], last: 4))
        history.append("e")
        XCTAssertEqual(history.after(3), .batches(["d", "e"], last: 5))
    }
}
