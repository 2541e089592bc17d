import Foundation
import GrowJob

/// A tile's bounding box in a CRS named by its EPSG code, as eo-learn keeps it (sentinelhub's
/// `BBox`). Stored in a patch as `bbox.geojson`: the box as a GeoJSON Polygon with a `crs` member
/// `{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}}`.
package struct BBox: Sendable, Equatable {
    package var minX: Double
    package var minY: Double
    package var maxX: Double
    package var maxY: Double
    /// EPSG code of the CRS (4326 for WGS84, 326NN/327NN for UTM zones).
    package var epsg: Int

    package init(minX: Double, minY: Double, maxX: Double, maxY: Double, epsg: Int) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
        self.epsg = epsg
    }

    /// The GeoJSON text sentinelhub writes (`json.dumps(bbox.geojson, indent=2)`): the CRS, then
    /// the polygon (min,min) → (min,max) → (max,max) → (max,min) → (min,min), numbers as Python
    /// prints floats.
    package var geoJSON: String {
        let corners = [(minX, minY), (minX, maxY), (maxX, maxY), (maxX, minY), (minX, minY)]
        let points = corners.map { "      [\n        \(Self.python($0.0)),\n        \(Self.python($0.1))\n      ]" }
        return """
            {
              "crs": {
                "type": "name",
                "properties": {
                  "name": "urn:ogc:def:crs:EPSG::\(epsg)"
                }
              },
              "type": "Polygon",
              "coordinates": [
                [
            \(points.joined(separator: ",\n"))
                ]
              ]
            }
            """
    }

    /// Python's `repr(float)`: shortest round-trip digits, always with a fraction or exponent
    /// (Swift's `description` uses the same rules for finite values).
    static func python(_ value: Double) -> String { "\(value)" }

    /// Parses a GeoJSON Polygon or MultiPolygon (with an optional `crs` member) into the box
    /// around all of its points, as sentinelhub's `Geometry.from_geojson(...).bbox` does.
    /// A missing `crs` means WGS84, as in sentinelhub.
    package static func parse(geoJSON text: String, location: String) throws(EODataError) -> BBox {
        let root: JSONValue
        do throws(JSONParser.Failure) {
            root = try JSONParser.parse(text)
        } catch {
            throw EODataError(location, "not valid GeoJSON: \(error.message)")
        }
        guard case .object(let members) = root else {
            throw EODataError(location, "expected a GeoJSON Polygon object")
        }
        guard case .string(let type)? = members["type"], type == "Polygon" || type == "MultiPolygon" else {
            throw EODataError(location, "expected a GeoJSON geometry of type Polygon or MultiPolygon")
        }
        var xs: [Double] = []
        var ys: [Double] = []
        func collect(_ value: JSONValue) -> Bool {
            guard case .array(let items) = value else { return false }
            if items.count >= 2, case .number(let x) = items[0], case .number(let y) = items[1] {
                xs.append(x)
                ys.append(y)
                return true
            }
            return items.allSatisfy(collect)
        }
        guard let coordinates = members["coordinates"], collect(coordinates), let minX = xs.min(), let maxX = xs.max(),
            let minY = ys.min(), let maxY = ys.max()
        else {
            throw EODataError(location, "expected 'coordinates' with at least one [x, y] point")
        }
        var epsg = 4326
        if let crs = members["crs"] {
            guard case .object(let crsMembers) = crs, case .object(let properties)? = crsMembers["properties"],
                case .string(let name)? = properties["name"]
            else {
                throw EODataError(location, "expected 'crs' as {\"type\": \"name\", \"properties\": {\"name\": ...}}")
            }
            guard let code = epsgCode(name) else {
                throw EODataError(
                    location, "unsupported CRS name '\(name)' (expected urn:ogc:def:crs:EPSG::CODE or EPSG:CODE)")
            }
            epsg = code
        }
        return BBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY, epsg: epsg)
    }

    /// `urn:ogc:def:crs:EPSG::32633`, `urn:ogc:def:crs:EPSG:9.9:32633`, `EPSG:32633`, `32633`,
    /// and the CRS84 names for WGS84 (what sentinelhub's `CRS` accepts in GeoJSON).
    static func epsgCode(_ name: String) -> Int? {
        let lower = name.lowercased()
        if lower.hasSuffix("crs84") { return 4326 }
        var code = Substring(lower)
        if lower.hasPrefix("urn:ogc:def:crs:epsg:") {
            guard let colon = lower.lastIndex(of: ":") else { return nil }
            code = lower[lower.index(after: colon)...]
        } else if lower.hasPrefix("epsg:") {
            code = lower.dropFirst(5)
        }
        guard let value = Int(code.trimmingCharacters(in: .whitespaces)), value > 0 else { return nil }
        return value
    }
}
