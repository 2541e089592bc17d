import GrowJob

/// Where each tile of a job is drawn on its map, in cells (x to the right, y down). A job's tiles
/// are numbered by scheduler position (0..<count; with a `test_subset` those are the selected
/// tiles in order); the layout maps a position to its cell.
///
/// - a count or a list of names has no geometry: `rows`, a compact block a little wider than tall;
/// - a whole grid job is its grid (`rows` with the grid's columns, since its index is row-major);
/// - an `area` job (and a grid job's subset) has `cells`: each zone's UTM patches at their column
///   and row (north up), the zones west to east with a one-cell gap between them.
package enum TileLayout: Sendable, Equatable {
    case rows(columns: Int, count: Int)
    case cells(width: Int, height: Int, x: [UInt16], y: [UInt16])

    /// The most cells a layout spans in either direction (coordinates are 16-bit).
    package static let maxSide = Int(UInt16.max)

    package var width: Int {
        switch self {
        case .rows(let columns, _): columns
        case .cells(let width, _, _, _): width
        }
    }

    package var height: Int {
        switch self {
        case .rows(let columns, let count): (count + columns - 1) / columns
        case .cells(_, let height, _, _): height
        }
    }

    package var count: Int {
        switch self {
        case .rows(_, let count): count
        case .cells(_, _, let x, _): x.count
        }
    }

    /// The cell of a position.
    package func cell(of position: Int) -> (x: Int, y: Int) {
        switch self {
        case .rows(let columns, _): (position % columns, position / columns)
        case .cells(_, _, let x, let y): (Int(x[position]), Int(y[position]))
        }
    }

    /// A block of `count` cells about 1.6 times as wide as tall (a screen's shape).
    package static func compact(count: Int) -> TileLayout {
        let columns = max(1, min(maxSide, Int((Double(count) * 1.6).squareRoot().rounded(.up))))
        return .rows(columns: columns, count: count)
    }

    /// The layout of a job's tiles; `selected` lists the spec's tile index of each position (nil:
    /// every tile, position = index).
    package static func of(_ tiles: TileSet, selected: [UInt32]?) -> TileLayout {
        let count = selected?.count ?? tiles.count
        if let grid = tiles.areaGrid {
            return area(grid, tiles: tiles.areaTiles, selected: selected) ?? compact(count: count)
        }
        guard tiles.isGrid, let last = tiles.coordinates(of: UInt32(tiles.count - 1)) else {
            return compact(count: count)
        }
        let columns = last.x + 1
        guard let selected else { return .rows(columns: columns, count: count) }
        var xs: [Int] = []
        var ys: [Int] = []
        xs.reserveCapacity(count)
        ys.reserveCapacity(count)
        for index in selected {
            let cell = tiles.coordinates(of: index) ?? (0, 0)
            xs.append(cell.x)
            ys.append(cell.y)
        }
        return cells(xs: xs, ys: ys) ?? compact(count: count)
    }

    /// An area's patches at their place: per UTM zone (EPSG code) the patches' columns and rows
    /// (from their bounds, so custom grids place too), zones side by side west to east.
    static func area(_ grid: AreaGrid, tiles: [AreaGrid.Tile], selected: [UInt32]?) -> TileLayout? {
        let chosen: [AreaGrid.Tile] =
            selected.map { $0.compactMap { Int($0) < tiles.count ? tiles[Int($0)] : nil } } ?? tiles
        guard !chosen.isEmpty, chosen.count == (selected?.count ?? tiles.count) else { return nil }
        // Each patch's column and row in its zone.
        var columns: [Int] = []
        var rows: [Int] = []
        columns.reserveCapacity(chosen.count)
        rows.reserveCapacity(chosen.count)
        if grid.patches == nil {
            for tile in chosen {
                columns.append(tile.cell.col)
                rows.append(tile.cell.row)
            }
        } else {
            // A custom grid: patch size from the first patch, cells counted from the zone's
            // smallest corner.
            let width = max(chosen[0].bounds.width, 1e-9)
            let height = max(chosen[0].bounds.height, 1e-9)
            for tile in chosen {
                columns.append(Int((tile.bounds.minX / width).rounded(.down)))
                rows.append(Int((tile.bounds.minY / height).rounded(.down)))
            }
        }
        // Zones west to east (UTM zone numbers grow eastwards; north before south), each drawn
        // north up from its own top row (zones' grids start at their own corners).
        var minColumn: [Int32: Int] = [:]
        var maxColumn: [Int32: Int] = [:]
        var maxRow: [Int32: Int] = [:]
        for (index, tile) in chosen.enumerated() {
            minColumn[tile.epsg] = min(minColumn[tile.epsg] ?? .max, columns[index])
            maxColumn[tile.epsg] = max(maxColumn[tile.epsg] ?? .min, columns[index])
            maxRow[tile.epsg] = max(maxRow[tile.epsg] ?? .min, rows[index])
        }
        var offsetX: [Int32: Int] = [:]
        var next = 0
        for zone in minColumn.keys.sorted(by: { zoneOrder($0) < zoneOrder($1) }) {
            offsetX[zone] = next
            next += maxColumn[zone]! - minColumn[zone]! + 2
        }
        var xs: [Int] = []
        var ys: [Int] = []
        xs.reserveCapacity(chosen.count)
        ys.reserveCapacity(chosen.count)
        for (index, tile) in chosen.enumerated() {
            xs.append(offsetX[tile.epsg]! + columns[index] - minColumn[tile.epsg]!)
            ys.append(maxRow[tile.epsg]! - rows[index])
        }
        return cells(xs: xs, ys: ys)
    }

    /// West to east, then north before south.
    private static func zoneOrder(_ epsg: Int32) -> (Int32, Int32) {
        (epsg % 100, epsg / 100)
    }

    /// Cells shifted so the smallest coordinates are 0; nil when they do not fit 16 bits.
    static func cells(xs: [Int], ys: [Int]) -> TileLayout? {
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max(),
            maxX - minX < maxSide, maxY - minY < maxSide
        else { return nil }
        return .cells(
            width: maxX - minX + 1, height: maxY - minY + 1, x: xs.map { UInt16($0 - minX) },
            y: ys.map { UInt16($0 - minY) })
    }
}
