/// An EOPatch that cannot be read or written as asked, as one line naming the patch folder or
/// file and what was expected: `/data/project/eopatch-0/bbox.geojson: missing; the patch is not
/// completely written (or is not an EOPatch)`.
package struct EOPatchError: Error, CustomStringConvertible, Equatable, Sendable {
    package var location: String
    package var message: String

    package init(_ location: String, _ message: String) {
        self.location = location
        self.message = message
    }

    package var description: String { "\(location): \(message)" }
}
