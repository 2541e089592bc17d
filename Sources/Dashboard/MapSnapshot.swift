import Foundation
import TileScheduler

/// A job's whole map for the page: `{"job","name","pipeline","tiles","seq","layout":{…},
/// "state":"<base64 bytes>","worker":"<base64 u16le>","quicklooks":[…]}`. The layout is
/// `{"kind":"rows","columns":C}` or `{"kind":"cells","width":W,"height":H,"x":"<base64 u16le>",
/// "y":"<base64 u16le>"}`; states are `TileState` raw values. Binary arrays keep a 1 M-tile
/// snapshot at a few MB.
enum MapSnapshot {
    static func json(_ map: JobMap, sequence: UInt64) -> String {
        var out = JSONBytes(capacity: map.tileCount * 4 + 512)
        out.append("{")
        out.key("job")
        out.append(UInt64(map.job))
        out.append(",")
        out.key("name")
        out.append(string: map.name)
        out.append(",")
        out.key("pipeline")
        out.append(string: map.pipeline)
        out.append(",")
        out.key("tiles")
        out.append(map.tileCount)
        out.append(",")
        out.key("seq")
        out.append(sequence)
        out.append(",")
        out.key("layout")
        switch map.layout {
        case .rows(let columns, _):
            out.append("{\"kind\":\"rows\",\"columns\":")
            out.append(columns)
            out.append(",\"width\":")
            out.append(map.layout.width)
            out.append(",\"height\":")
            out.append(map.layout.height)
            out.append("}")
        case .cells(let width, let height, let x, let y):
            out.append("{\"kind\":\"cells\",\"width\":")
            out.append(width)
            out.append(",\"height\":")
            out.append(height)
            out.append(",\"x\":")
            out.append(string: base64(x))
            out.append(",\"y\":")
            out.append(string: base64(y))
            out.append("}")
        }
        out.append(",")
        out.key("state")
        out.append(string: Data(map.state).base64EncodedString())
        out.append(",")
        out.key("worker")
        out.append(string: base64(map.worker))
        out.append(",")
        out.key("quicklooks")
        out.append("[")
        for (index, image) in map.quicklooks.enumerated() {
            if index > 0 { out.append(",") }
            let box = cellBox(of: map, epsg: image.epsg)
            out.append("{\"epsg\":")
            out.append(Int(image.epsg))
            out.append(",\"x\":")
            out.append(box.x)
            out.append(",\"y\":")
            out.append(box.y)
            out.append(",\"w\":")
            out.append(box.w)
            out.append(",\"h\":")
            out.append(box.h)
            out.append(",\"url\":")
            out.append(string: "api/jobs/\(map.job)/quicklook/\(index)")
            out.append("}")
        }
        out.append("]}")
        return out.string
    }

    /// Little-endian 16-bit values as base64.
    static func base64(_ values: [UInt16]) -> String {
        var bytes = [UInt8](repeating: 0, count: values.count * 2)
        for (index, value) in values.enumerated() {
            bytes[2 * index] = UInt8(value & 0xFF)
            bytes[2 * index + 1] = UInt8(value >> 8)
        }
        return Data(bytes).base64EncodedString()
    }

    /// The cells the tiles of one UTM zone span (the whole map for a job without zones).
    static func cellBox(of map: JobMap, epsg: Int32) -> (x: Int, y: Int, w: Int, h: Int) {
        var minX = Int.max
        var minY = Int.max
        var maxX = Int.min
        var maxY = Int.min
        for position in 0..<map.tileCount where map.epsg(UInt32(position)) == epsg {
            let cell = map.layout.cell(of: position)
            minX = min(minX, cell.x)
            minY = min(minY, cell.y)
            maxX = max(maxX, cell.x)
            maxY = max(maxY, cell.y)
        }
        guard minX <= maxX else { return (0, 0, map.layout.width, map.layout.height) }
        return (minX, minY, maxX - minX + 1, maxY - minY + 1)
    }
}
