/// Why the journal could not be opened or written: one line naming the file and what is wrong.
package struct JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// The file or directory could not be created, opened or read.
        case unreadable
        /// The process may not create, open or write it (EACCES, EPERM).
        case permissionDenied
        /// The file does not start with the journal's magic: not a grow journal.
        case notAJournal
        /// A grow journal of a format version this build does not know.
        case unsupportedVersion
        /// Another process (another grow-head) holds the state directory.
        case locked
        /// A record whose checksum is right but whose body this build cannot read (a newer
        /// grow's record kind, or a bug). Not a torn write, so it is not silently dropped.
        case unreadableRecord
        /// Writing or fsyncing the journal failed; what was appended since is not durable.
        case writeFailed
    }

    package var kind: Kind
    /// The file (or directory) concerned.
    package var path: String
    /// What is wrong, in words.
    package var detail: String

    package init(_ kind: Kind, path: String, _ detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    package var description: String { "journal \(path): \(detail)" }
}
