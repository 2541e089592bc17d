import ArgumentParser
import Foundation
import ObjectStore

/// `grow-head storage cp SRC DST`.
struct StorageCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cp",
        abstract: "Copy one file between this machine and S3, or within S3.",
        discussion: """
            One side must be s3://. Large files go in parts, several at a time, and never whole \
            through memory; a progress bar shows the rate and the time left. The destination \
            appears only when complete. A destination ending in / (or an existing folder) gets \
            the source's file name.

              grow-head storage cp aoi.geojson s3://my-container/project/input/
              grow-head storage cp s3://my-container/project/maps/ndvi.tif ./ndvi.tif
              grow-head storage cp s3://my-container/a.tif s3://my-container/b.tif

            (within S3 the server copies; the bytes do not pass through this machine)
            """
    )

    @Argument(help: "Source: a local file or s3://bucket/key.") var source: String
    @Argument(help: "Destination: a local path or s3://bucket/key.") var destination: String
    @OptionGroup var storage: StorageOptions
    @Flag(name: .shortAndLong, help: "No progress bar.") var quiet = false

    func run() async throws {
        try await reportingStorageErrors { try copy() }
    }

    private func copy() throws {
        let fromS3 = source.hasPrefix("s3://")
        let toS3 = destination.hasPrefix("s3://")
        guard fromS3 || toS3 else {
            throw UserError("one of SRC and DST must be s3://bucket/key (use cp for local copies)")
        }
        let client = try storage.client()
        let bar = quiet ? nil : ByteProgressBar()
        var progress: TransferProgress?
        if let bar { progress = { done, total in bar.update(done: done, total: total) } }
        defer { bar?.finish() }
        let summary: String
        switch (fromS3, toS3) {
        case (false, true): summary = try upload(client, progress)
        case (true, false): summary = try download(client, progress)
        default: summary = try copyWithin(client, progress)
        }
        bar?.finish()
        print(summary)
    }

    private func upload(_ client: S3Client, _ progress: TransferProgress?) throws -> String {
        var target = try parseS3(destination)
        if target.key.isEmpty || target.key.hasSuffix("/") {
            target.key += (source as NSString).lastPathComponent
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isFolder) else {
            throw UserError("\(source): no such file")
        }
        guard !isFolder.boolValue else { throw UserError("\(source) is a folder: cp copies one file") }
        try client.uploadFile(source, to: target, progress: progress)
        return "\(source) → \(target)"
    }

    private func download(_ client: S3Client, _ progress: TransferProgress?) throws -> String {
        let origin = try parseS3(source)
        guard !origin.key.isEmpty, !origin.key.hasSuffix("/") else {
            throw UserError("\(source) names no object: cp copies one object (s3://bucket/key)")
        }
        var path = destination
        var isFolder: ObjCBool = false
        if path.hasSuffix("/")
            || (FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue)
        {
            path = (path as NSString).appendingPathComponent((origin.key as NSString).lastPathComponent)
        }
        try client.downloadFile(origin, to: path, progress: progress)
        return "\(origin) → \(path)"
    }

    private func copyWithin(_ client: S3Client, _ progress: TransferProgress?) throws -> String {
        let origin = try parseS3(source)
        var target = try parseS3(destination)
        guard !origin.key.isEmpty else { throw UserError("\(source) names no object: cp copies one object") }
        if target.key.isEmpty || target.key.hasSuffix("/") {
            target.key += (origin.key as NSString).lastPathComponent
        }
        try client.copyObject(from: origin, to: target, progress: progress)
        return "\(origin) → \(target)"
    }
}
