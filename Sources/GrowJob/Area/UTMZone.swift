/// The 60 UTM zones, each split at the equator into a north (EPSG 326zz) and a south (327zz)
/// part. Zones span 6° of longitude; UTM is defined from 80° S to 84° N (beyond: polar UPS).
/// Norway's and Svalbard's irregular zones are not applied: patches there follow the regular
/// 6° zones.
package struct UTMZone: Sendable, Equatable, Hashable, Comparable {
    package static let northLimit = 84.0
    package static let southLimit = -80.0

    package var number: Int
    package var north: Bool

    package init(number: Int, north: Bool) {
        self.number = number
        self.north = north
    }

    package var epsg: Int32 { Int32((north ? 32600 : 32700) + number) }

    /// The zone's extent in longitude and latitude.
    package var bounds: BoundingBox {
        let west = -180.0 + 6.0 * Double(number - 1)
        return BoundingBox(
            minX: west, minY: north ? 0 : UTMZone.southLimit, maxX: west + 6, maxY: north ? UTMZone.northLimit : 0)
    }

    /// The zones whose extent meets a longitude/latitude box, west to east, north before south.
    package static func zones(meeting box: BoundingBox) -> [UTMZone] {
        guard box.maxY >= southLimit, box.minY <= northLimit else { return [] }
        let first = max(1, min(60, Int(((box.minX + 180) / 6).rounded(.down)) + 1))
        let last = max(1, min(60, Int(((box.maxX + 180) / 6).rounded(.down)) + 1))
        var zones: [UTMZone] = []
        for number in first...last {
            if box.maxY >= 0 { zones.append(UTMZone(number: number, north: true)) }
            if box.minY < 0 { zones.append(UTMZone(number: number, north: false)) }
        }
        return zones
    }

    package static func < (lhs: UTMZone, rhs: UTMZone) -> Bool { lhs.epsg < rhs.epsg }
}
