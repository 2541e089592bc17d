/// Orders tiles of a grid along a Hilbert curve, so that consecutive tiles in the pool (and so
/// one worker's batch) form a compact patch of the map.
package enum HilbertCurve {
    /// Distance along the Hilbert curve of side `side` (a power of two) for cell (x, y),
    /// 0 ≤ x, y < side.
    package static func distance(x: UInt64, y: UInt64, side: UInt64) -> UInt64 {
        var x = x
        var y = y
        var distance: UInt64 = 0
        var s = side / 2
        while s > 0 {
            let rx: UInt64 = (x & s) > 0 ? 1 : 0
            let ry: UInt64 = (y & s) > 0 ? 1 : 0
            distance &+= s &* s &* ((3 &* rx) ^ ry)
            // Rotate the quadrant so the sub-curve is in standard orientation.
            if ry == 0 {
                if rx == 1 {
                    x = s &- 1 &- x
                    y = s &- 1 &- y
                }
                swap(&x, &y)
            }
            x &= s &- 1
            y &= s &- 1
            s /= 2
        }
        return distance
    }

    /// The tile indices (positions in `cells`) sorted along the Hilbert curve over the cells'
    /// bounding box. Coordinates may be negative or sparse; equal cells keep their index order.
    package static func order(of cells: [(x: Int, y: Int)]) -> [UInt32] {
        guard let first = cells.first else { return [] }
        var minX = first.x
        var minY = first.y
        var maxX = first.x
        var maxY = first.y
        for cell in cells {
            minX = min(minX, cell.x)
            minY = min(minY, cell.y)
            maxX = max(maxX, cell.x)
            maxY = max(maxY, cell.y)
        }
        // Side: the smallest power of two covering the larger extent (capped at 2^32 per axis).
        let extent = max(
            UInt64(truncatingIfNeeded: maxX &- minX), UInt64(truncatingIfNeeded: maxY &- minY))
        var side: UInt64 = 1
        while side <= extent && side < (1 << 32) { side <<= 1 }
        let keyed = cells.enumerated().map { position, cell -> (UInt64, UInt32) in
            let x = UInt64(truncatingIfNeeded: cell.x &- minX) & (side &- 1)
            let y = UInt64(truncatingIfNeeded: cell.y &- minY) & (side &- 1)
            return (distance(x: x, y: y, side: side), UInt32(truncatingIfNeeded: position))
        }
        return keyed.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map(\.1)
    }

    /// Order of a full `width` × `height` grid whose tile index is `y * width + x`.
    package static func order(width: Int, height: Int) -> [UInt32] {
        guard width > 0, height > 0 else { return [] }
        var cells: [(x: Int, y: Int)] = []
        cells.reserveCapacity(width * height)
        for y in 0..<height {
            for x in 0..<width { cells.append((x, y)) }
        }
        return order(of: cells)
    }
}
