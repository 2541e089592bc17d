/// The tiles of a job, numbered 0..<count. Three forms, as in the job spec's `"tiles"`:
/// - a count: `5000`, names `tile-0` ... `tile-4999`;
/// - a grid: `{"grid": {"columns": 100, "rows": 50}, "prefix": "t"}`, names `t_<x>_<y>` with
///   `x = index % columns`, `y = index / columns` (row-major, so the scheduler's curve sees a map);
/// - explicit names: `["31UDQ_1_1", "31UDQ_1_2"]` (unique, non-empty, usable as a file name).
package struct TileSet: Sendable, Equatable {
    /// The most tiles one job may have (indices are UInt32; the head keeps a few bytes per tile).
    package static let maxCount = 10_000_000
    package static let defaultGridPrefix = "tile"

    enum Form: Sendable, Equatable {
        case count
        case grid(columns: Int, rows: Int, prefix: String)
        case names([String])
        case area(AreaGrid)
    }

    let form: Form
    package let count: Int
    private let lookup: [String: UInt32]
    /// The tiles of an area grid with their geometry (empty for the other forms).
    package let areaTiles: [AreaGrid.Tile]

    private init(form: Form, count: Int, lookup: [String: UInt32] = [:], areaTiles: [AreaGrid.Tile] = []) {
        self.form = form
        self.count = count
        self.lookup = lookup
        self.areaTiles = areaTiles
    }

    /// The patches of an area split into a UTM grid, named as eo-grow names them.
    package static func area(_ grid: AreaGrid) -> TileSet? {
        let tiles = grid.tiles
        guard (1...maxCount).contains(tiles.count) else { return nil }
        var lookup: [String: UInt32] = [:]
        lookup.reserveCapacity(tiles.count)
        for (index, tile) in tiles.enumerated() { lookup[tile.name] = UInt32(index) }
        return TileSet(form: .area(grid), count: tiles.count, lookup: lookup, areaTiles: tiles)
    }

    /// The area grid, when the tiles come from one.
    package var areaGrid: AreaGrid? {
        if case .area(let grid) = form { return grid }
        return nil
    }

    package static func == (lhs: TileSet, rhs: TileSet) -> Bool {
        lhs.count == rhs.count && lhs.form == rhs.form
    }

    /// `count` tiles named `tile-<index>`; nil unless 1...maxCount.
    package static func numbered(_ count: Int) -> TileSet? {
        guard (1...maxCount).contains(count) else { return nil }
        return TileSet(form: .count, count: count)
    }

    /// A grid of `columns` x `rows` tiles named `<prefix>_<x>_<y>`; nil for an empty or too large grid
    /// or a prefix that is not a valid name.
    package static func grid(columns: Int, rows: Int, prefix: String = defaultGridPrefix) -> TileSet? {
        guard columns >= 1, rows >= 1, columns <= maxCount, rows <= maxCount / columns,
            TileSet.problem(withName: prefix) == nil
        else { return nil }
        return TileSet(form: .grid(columns: columns, rows: rows, prefix: prefix), count: columns * rows)
    }

    /// Explicit names; the error says which name is wrong (its position and why).
    package static func named(_ names: [String]) -> Result<TileSet, NameProblem> {
        if names.isEmpty { return .failure(NameProblem(position: nil, message: "expected at least one tile name")) }
        if names.count > maxCount {
            return .failure(NameProblem(position: nil, message: "more than \(maxCount) tiles"))
        }
        var lookup: [String: UInt32] = [:]
        lookup.reserveCapacity(names.count)
        for (position, name) in names.enumerated() {
            if let problem = problem(withName: name) {
                return .failure(NameProblem(position: position, message: problem))
            }
            if let first = lookup[name] {
                return .failure(
                    NameProblem(
                        position: position,
                        message: "duplicate tile name \(JSONValue.quote(name)) (also at position \(first))"))
            }
            lookup[name] = UInt32(position)
        }
        return .success(TileSet(form: .names(names), count: names.count, lookup: lookup))
    }

    package struct NameProblem: Error, Equatable, Sendable {
        package var position: Int?
        package var message: String
    }

    /// Tile names end up in paths and command lines: no empty names, no `/`, no control characters,
    /// not `.` or `..`.
    package static func problem(withName name: String) -> String? {
        if name.isEmpty { return "expected a non-empty tile name" }
        if name == "." || name == ".." { return "\(JSONValue.quote(name)) cannot be a tile name" }
        if name.contains("/") { return "tile name \(JSONValue.quote(name)) contains '/'" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "tile name \(JSONValue.quote(name)) contains a control character"
        }
        return nil
    }

    /// Whether tiles have grid coordinates (`{x}`, `{y}` in templates).
    package var isGrid: Bool {
        if case .grid = form { return true }
        return false
    }

    /// The tile's name. An index outside the set gets `tile-<index>`, so callers never crash on one.
    package func name(of index: UInt32) -> String {
        switch form {
        case .count:
            return "tile-\(index)"
        case .grid(let columns, _, let prefix):
            guard Int(index) < count else { return "tile-\(index)" }
            return "\(prefix)_\(Int(index) % columns)_\(Int(index) / columns)"
        case .names(let names):
            guard Int(index) < names.count else { return "tile-\(index)" }
            return names[Int(index)]
        case .area:
            guard Int(index) < areaTiles.count else { return "tile-\(index)" }
            return areaTiles[Int(index)].name
        }
    }

    /// Grid coordinates; nil for other forms or an index outside the grid.
    package func coordinates(of index: UInt32) -> (x: Int, y: Int)? {
        guard case .grid(let columns, _, _) = form, Int(index) < count else { return nil }
        return (Int(index) % columns, Int(index) / columns)
    }

    /// The index of a tile name, nil when no tile has it.
    package func index(named name: String) -> UInt32? {
        switch form {
        case .count:
            guard name.hasPrefix("tile-"), let index = Self.plainNumber(name.dropFirst(5)), index < count else {
                return nil
            }
            return UInt32(index)
        case .grid(let columns, let rows, let prefix):
            guard name.hasPrefix(prefix + "_") else { return nil }
            let parts = name.dropFirst(prefix.count + 1).split(separator: "_", omittingEmptySubsequences: false)
            guard parts.count == 2, let x = Self.plainNumber(parts[0]), let y = Self.plainNumber(parts[1]),
                x < columns, y < rows
            else { return nil }
            return UInt32(y * columns + x)
        case .names, .area:
            return lookup[name]
        }
    }

    /// Digits only, no sign, no leading zero (so every index has exactly one name).
    private static func plainNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 10, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if text.count > 1, text.first == "0" { return nil }
        return Int(text)
    }
}
