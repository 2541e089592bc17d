/// The grid as JSON: how the head ships it to the workers inside the job (`"tiles":
/// {"area_grid": ...}`) and how it is cached in the project's `cache` folder. Cells are written
/// as a flat list `[col0, row0, col1, row1, ...]` to keep large grids small.
extension AreaGrid {
    package var jsonValue: JSONValue {
        var value: JSONObject = [
            "size": .array([.number(sizeX), .number(sizeY)]),
            "buffer": .array([.number(bufferX), .number(bufferY)]),
            "zones": .array(
                zones.map { zone in
                    .object([
                        "epsg": .number(Double(zone.epsg)),
                        "origin": .array([.number(zone.originX), .number(zone.originY)]),
                        "cells": .array(zone.cells.flatMap { [.number(Double($0.col)), .number(Double($0.row))] }),
                    ])
                }),
        ]
        if let patches {
            value["patches"] = .array(
                patches.map { patch in
                    let box = patch.bounds
                    return .array([
                        .string(patch.name), .number(Double(patch.epsg)), .number(box.minX), .number(box.minY),
                        .number(box.maxX), .number(box.maxY),
                    ])
                })
        }
        if let kept { value["kept"] = .array(kept.map { .number(Double($0)) }) }
        return .object(value)
    }

    /// nil when the value is not a grid as `jsonValue` writes it.
    package init?(json: JSONValue) {
        guard case .object(let members) = json, let size = Self.pair(members["size"]),
            let buffer = Self.pair(members["buffer"]), size.0 >= 0, size.1 >= 0,
            case .array(let zoneValues)? = members["zones"]
        else { return nil }
        var zones: [Zone] = []
        for value in zoneValues {
            guard case .object(let zone) = value, case .number(let epsg)? = zone["epsg"],
                (32601...32760).contains(Int(epsg)), let origin = Self.pair(zone["origin"]),
                case .array(let flat)? = zone["cells"], flat.count % 2 == 0
            else { return nil }
            var cells: [Cell] = []
            cells.reserveCapacity(flat.count / 2)
            var position = 0
            while position < flat.count {
                guard case .number(let col) = flat[position], case .number(let row) = flat[position + 1],
                    col == col.rounded(), row == row.rounded(), abs(col) < 1e9, abs(row) < 1e9
                else { return nil }
                cells.append(Cell(col: Int(col), row: Int(row)))
                position += 2
            }
            zones.append(Zone(epsg: Int32(epsg), originX: origin.0, originY: origin.1, cells: cells))
        }
        self.init(sizeX: size.0, sizeY: size.1, bufferX: buffer.0, bufferY: buffer.1, zones: zones)
        if let value = members["patches"] {
            guard case .array(let items) = value else { return nil }
            var patches: [Tile] = []
            for item in items {
                guard case .array(let fields) = item, fields.count == 6, case .string(let name) = fields[0],
                    case .number(let epsg) = fields[1], (1...999_999).contains(epsg),
                    case .number(let minX) = fields[2], case .number(let minY) = fields[3],
                    case .number(let maxX) = fields[4], case .number(let maxY) = fields[5], minX < maxX, minY < maxY
                else { return nil }
                patches.append(
                    Tile(
                        name: name, epsg: Int32(epsg), cell: Cell(col: 0, row: 0),
                        bounds: BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY)))
            }
            self.patches = patches
        } else if sizeX <= 0 || sizeY <= 0 {
            return nil
        }
        if let value = members["kept"] {
            guard case .array(let items) = value else { return nil }
            var kept: [Int] = []
            for item in items {
                guard case .number(let position) = item, position >= 0, position == position.rounded(),
                    position < 1e9
                else { return nil }
                kept.append(Int(position))
            }
            self.kept = kept
        }
    }

    private static func pair(_ value: JSONValue?) -> (Double, Double)? {
        guard case .array(let items)? = value, items.count == 2, case .number(let first) = items[0],
            case .number(let second) = items[1], first.isFinite, second.isFinite
        else { return nil }
        return (first, second)
    }
}
