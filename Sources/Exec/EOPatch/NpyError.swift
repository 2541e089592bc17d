/// An `.npy` / `.npy.gz` file that cannot be read as asked, as one line naming the file:
/// `data/eopatch-0/data/BANDS.npy: truncated data: the header promises 4800 bytes, found 4000`.
public struct NpyError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (storage key or path) the bytes came from.
    public var location: String
    public var message: String

    public init(_ location: String, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
