/// The tiles of an area: a UTM grid of square patches per zone, as eo-grow's
/// `UtmZoneAreaManager` makes it. Tile `i` of `n` in the whole area is named
/// `eopatch-id-<i, zero-padded to the digits of n-1>-col-<col>-row-<row>`, where col and row
/// count patches from the zone's aligned lower-left corner. `patch_names` keeps some of them
/// (under their names in the whole grid); `CustomGridAreaManager` gives the patches outright.
package struct AreaGrid: Sendable, Equatable {
    /// One UTM zone (one hemisphere of it) and the patches of the area inside it.
    package struct Zone: Sendable, Equatable {
        /// 326zz (north) or 327zz (south).
        package var epsg: Int32
        /// The aligned lower-left corner that column 0, row 0 starts at.
        package var originX: Double
        package var originY: Double
        /// (col, row) of each patch, in naming order.
        package var cells: [Cell]

        package init(epsg: Int32, originX: Double, originY: Double, cells: [Cell]) {
            self.epsg = epsg
            self.originX = originX
            self.originY = originY
            self.cells = cells
        }
    }

    package struct Cell: Sendable, Equatable, Hashable {
        package var col: Int
        package var row: Int

        package init(col: Int, row: Int) {
            self.col = col
            self.row = row
        }
    }

    /// One tile with everything a pipeline needs to know about where it is.
    package struct Tile: Sendable, Equatable {
        package var name: String
        package var epsg: Int32
        package var cell: Cell
        /// The patch's bounds with the buffer added on every side.
        package var bounds: BoundingBox

        package init(name: String, epsg: Int32, cell: Cell, bounds: BoundingBox) {
            self.name = name
            self.epsg = epsg
            self.cell = cell
            self.bounds = bounds
        }
    }

    package var sizeX: Double
    package var sizeY: Double
    package var bufferX: Double
    package var bufferY: Double
    package var zones: [Zone]
    /// The positions (in the whole grid) of the tiles kept by `patch_names`; nil keeps all.
    package var kept: [Int]?
    /// The patches of a custom grid, in the file's order; when set, `zones` is empty.
    package var patches: [Tile]?

    package init(
        sizeX: Double, sizeY: Double, bufferX: Double, bufferY: Double, zones: [Zone], kept: [Int]? = nil
    ) {
        self.sizeX = sizeX
        self.sizeY = sizeY
        self.bufferX = bufferX
        self.bufferY = bufferY
        self.zones = zones
        self.kept = kept
    }

    /// A custom grid: the patches as given (with their own names, CRS and bounds).
    package init(patches: [Tile], kept: [Int]? = nil) {
        self.init(sizeX: 0, sizeY: 0, bufferX: 0, bufferY: 0, zones: [], kept: kept)
        self.patches = patches
    }

    package var count: Int { kept?.count ?? patches?.count ?? zones.reduce(0) { $0 + $1.cells.count } }

    /// The tiles in naming order (those `patch_names` keeps).
    package var tiles: [Tile] {
        let all = allTiles
        guard let kept else { return all }
        return kept.compactMap { all.indices.contains($0) ? all[$0] : nil }
    }

    /// Every tile of the whole grid, before `patch_names`.
    package var allTiles: [Tile] {
        if let patches { return patches }
        let total = zones.reduce(0) { $0 + $1.cells.count }
        let width = String(max(total - 1, 0)).count
        var tiles: [Tile] = []
        tiles.reserveCapacity(total)
        for zone in zones {
            for cell in zone.cells {
                let number = String(tiles.count)
                let padded = String(repeating: "0", count: max(0, width - number.count)) + number
                let minX = zone.originX + Double(cell.col) * sizeX
                let minY = zone.originY + Double(cell.row) * sizeY
                let bounds = BoundingBox(minX: minX, minY: minY, maxX: minX + sizeX, maxY: minY + sizeY)
                tiles.append(
                    Tile(
                        name: "eopatch-id-\(padded)-col-\(cell.col)-row-\(cell.row)", epsg: zone.epsg, cell: cell,
                        bounds: bounds.expanded(x: bufferX, y: bufferY)))
            }
        }
        return tiles
    }
}
