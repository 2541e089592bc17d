import ArgumentParser
import Foundation
import ObjectStore

/// `grow-head storage ls s3://bucket/prefix`.
struct StorageListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List the objects under an S3 prefix (at any depth), with sizes and times.",
        discussion: """
            Prints one line per object: time (UTC), size, key; then a total.

              grow-head storage ls s3://my-container/project/data/
            """
    )

    @Argument(help: "s3://bucket or s3://bucket/prefix.") var location: String
    @OptionGroup var storage: StorageOptions
    @Flag(help: "Sizes in bytes instead of KiB/MiB/GiB.") var bytes = false

    func run() async throws {
        try await reportingStorageErrors {
            let uri = try parseS3(location)
            let client = try storage.client()
            var count = 0
            var total: UInt64 = 0
            try client.listObjects(bucket: uri.bucket, prefix: uri.key) { page in
                for object in page {
                    count += 1
                    total += object.size
                    let size = bytes ? String(object.size) : ByteCount.format(object.size)
                    let time = Self.time(object.lastModified)
                    print("\(time)  \(size.leftPadded(to: bytes ? 14 : 10))  \(object.key)")
                }
            }
            let size = bytes ? "\(total) bytes" : ByteCount.format(total)
            print("\(count) object\(count == 1 ? "" : "s"), \(size)")
        }
    }

    /// `2026-11-27T07:45:50.000Z` → `2026-11-27 07:45:50`; blanks when the store sent no time.
    static func time(_ text: String?) -> String {
        guard let text, text.count >= 19 else { return String(repeating: " ", count: 19) }
        return String(text.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
