import Dashboard
import GrowJob
import XCTest

final class TileLayoutTests: XCTestCase {
    func testACountIsACompactBlockWiderThanTall() {
        let layout = TileLayout.of(TileSet.numbered(1000)!, selected: nil)
        XCTAssertEqual(layout.count, 1000)
        XCTAssertGreaterThan(layout.width, layout.height)
        XCTAssertGreaterThanOrEqual(layout.width * layout.height, 1000)
        XCTAssertEqual(layout.cell(of: 0).x, 0)
        XCTAssertEqual(layout.cell(of: layout.width).y, 1)
    }

    func testAWholeGridIsItsGrid() {
        let layout = TileLayout.of(TileSet.grid(columns: 7, rows: 3)!, selected: nil)
        XCTAssertEqual(layout, .rows(columns: 7, count: 21))
        XCTAssertEqual(layout.height, 3)
        XCTAssertTrue(layout.cell(of: 9) == (2, 1))
    }

    func testAGridSubsetKeepsItsTilesPlaces() {
        // Tiles (5,1) and (2,2) of a 7-column grid: shifted so the smallest coordinate is 0.
        let layout = TileLayout.of(TileSet.grid(columns: 7, rows: 3)!, selected: [12, 16])
        XCTAssertEqual(layout.width, 4)
        XCTAssertEqual(layout.height, 2)
        XCTAssertTrue(layout.cell(of: 0) == (3, 0))
        XCTAssertTrue(layout.cell(of: 1) == (0, 1))
    }

    func testAnAreaDrawsEachZoneNorthUpWestToEast() {
        // Zone 32 (east) is listed first; zone 31 must still be drawn on the left.
        let east = AreaGrid.Zone(
            epsg: 32632, originX: 0, originY: 0,
            cells: [AreaGrid.Cell(col: 10, row: 5), AreaGrid.Cell(col: 11, row: 5)])
        let west = AreaGrid.Zone(
            epsg: 32631, originX: 0, originY: 0,
            cells: [AreaGrid.Cell(col: 3, row: 7), AreaGrid.Cell(col: 3, row: 8)])
        let grid = AreaGrid(sizeX: 1000, sizeY: 1000, bufferX: 0, bufferY: 0, zones: [east, west])
        let tiles = TileSet.area(grid)!
        let layout = TileLayout.of(tiles, selected: nil)
        XCTAssertEqual(layout.count, 4)
        // West zone: one column at x 0; its row 8 (north) above row 7.
        XCTAssertTrue(layout.cell(of: 3) == (0, 0))
        XCTAssertTrue(layout.cell(of: 2) == (0, 1))
        // East zone after a one-cell gap: columns 10 and 11 at x 2 and 3, on its top row.
        XCTAssertTrue(layout.cell(of: 0) == (2, 0))
        XCTAssertTrue(layout.cell(of: 1) == (3, 0))
        XCTAssertEqual(layout.width, 4)
    }
}
