/// An `.npy` / `.npy.gz` file that cannot be read as asked, as one line naming the file:
/// `data/eopatch-0/data/BANDS.npy: truncated data: the header promises 4800 bytes, found 4000`.
package struct NpyError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (storage key or path) the bytes came from.
    package var location: String
    package var message: String

    package init(_ location: String, _ message: String) {
        self.location = location
        self.message = message
    }

    package var description: String { "\(location): \(message)" }
}
