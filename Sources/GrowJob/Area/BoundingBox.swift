/// An axis-aligned rectangle in a projected CRS (metres for UTM).
package struct BoundingBox: Sendable, Equatable, Codable {
    package var minX: Double
    package var minY: Double
    package var maxX: Double
    package var maxY: Double

    package init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    package var width: Double { maxX - minX }
    package var height: Double { maxY - minY }

    package func expanded(x: Double, y: Double) -> BoundingBox {
        BoundingBox(minX: minX - x, minY: minY - y, maxX: maxX + x, maxY: maxY + y)
    }
}
