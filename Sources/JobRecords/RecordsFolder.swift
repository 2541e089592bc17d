import Foundation
import GrowJob
import ProjectStorage

#if canImport(Glibc)
    import Glibc
#endif

/// A job's records, as eo-grow keeps them: a folder `logs/<UTC time>-<pipeline>-<id>/` with
/// `pipeline.log` (appended while the job runs), and at the end `finished.json` and `failed.json`
/// (JSON lists of tile names; `failed.json` can be fed back as `test_subset`) and
/// `pipeline-report.json`. Files are private to the user (0600, folder 0700); the final three are
/// written to a temporary name, fsync'd and renamed, so a half-written file never appears.
///
/// Used from one thread at a time (the head's records queue).
package final class RecordsFolder: @unchecked Sendable {
    package struct Failure: Error, CustomStringConvertible, Equatable {
        package var path: String
        package var message: String
        package var description: String { "\(path): \(message)" }
    }

    package static let logFileName = "pipeline.log"
    package static let finishedFileName = "finished.json"
    package static let failedFileName = "failed.json"
    package static let reportFileName = "pipeline-report.json"

    package let directory: String
    /// Copies the records to object storage as they are written (projects in `s3://`).
    package var mirror: RecordsMirror?
    private var logFD: Int32
    private var buffer: [UInt8] = []
    private static let flushThreshold = 64 * 1024

    /// `<UTC yyyy-MM-dd'T'HH-mm-ss'Z'>-<pipeline>-<id>`, e.g. `2024-05-01T12-30-05Z-command-7`.
    /// Characters that do not belong in a folder name become `_`.
    package static func directoryName(startedAt: Date, pipeline: String, id: String) -> String {
        "\(UTCTime.fileStamp(startedAt))-\(safe(pipeline))-\(safe(id))"
    }

    private static func safe(_ text: String) -> String {
        let cleaned = String(
            text.unicodeScalars.map { scalar -> Character in
                let allowed =
                    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || scalar == "-" || scalar == "_" || scalar == "."
                return allowed ? Character(scalar) : "_"
            })
        return cleaned.isEmpty || cleaned.allSatisfy({ $0 == "." }) ? "_" : cleaned
    }

    /// Creates the folder (and its parents; the folder itself 0700) and opens `pipeline.log`
    /// (0600) for appending, so a restarted head continues the same log.
    package init(directory: String) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(path: directory, message: "cannot create the records folder: \(error.localizedDescription)")
        }
        guard chmod(directory, 0o700) == 0 else {
            throw Failure(path: directory, message: "cannot set mode 0700: \(Self.errorText(errno))")
        }
        let logPath = (directory as NSString).appendingPathComponent(Self.logFileName)
        let fd = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(path: logPath, message: "cannot open: \(Self.errorText(errno))") }
        _ = fchmod(fd, 0o600)
        logFD = fd
    }

    deinit {
        flush()
        if logFD >= 0 { close(logFD) }
    }

    /// Appends `<ISO 8601 UTC time> <line>` to pipeline.log (buffered: see `flush`), stamped
    /// with when it happened (default: now). A line with newlines continues on tab-indented
    /// lines, as in eo-grow's log.
    package func log(_ line: String, at time: Date = Date()) {
        let text = line.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\n\t")
        buffer.append(contentsOf: "\(UTCTime.iso8601(time)) \(text)\n".utf8)
        if buffer.count >= Self.flushThreshold { flush() }
    }

    /// Writes buffered log lines to the file (no fsync).
    package func flush() {
        guard !buffer.isEmpty, logFD >= 0 else { return }
        _ = AtomicFile.writeAll(logFD, buffer)
        buffer.removeAll(keepingCapacity: true)
        mirror?.logChanged(path(Self.logFileName))
    }

    /// Writes finished.json, failed.json and pipeline-report.json (each atomically) and syncs the
    /// log. The report's `failed_tiles` are `failed`.
    package func writeFinal(finished: [String], failed: [FailedTile], report: JobReport) throws {
        flush()
        if logFD >= 0 { _ = fsync(logFD) }
        var report = report
        report.failedTiles = failed

        try writeAtomically(Self.finishedFileName, Self.nameList(finished))
        try writeAtomically(Self.failedFileName, Self.nameList(failed.map(\.name)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(report)
        } catch {
            throw Failure(path: Self.reportFileName, message: "cannot encode the report: \(error)")
        }
        try writeAtomically(Self.reportFileName, Array(data) + [UInt8(ascii: "\n")])
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
        mirror?.uploadFinal(
            [Self.finishedFileName, Self.failedFileName, Self.reportFileName, Self.logFileName].map(path))
    }

    private func path(_ fileName: String) -> String {
        (directory as NSString).appendingPathComponent(fileName)
    }

    /// A JSON list of strings, one per line.
    static func nameList(_ names: [String]) -> [UInt8] {
        if names.isEmpty { return Array("[]\n".utf8) }
        let body = names.map { "  " + JSONValue.quote($0) }.joined(separator: ",\n")
        return Array("[\n\(body)\n]\n".utf8)
    }

    /// Whole or not at all, mode 0600 (records may name paths and hosts).
    private func writeAtomically(_ fileName: String, _ bytes: [UInt8]) throws {
        do {
            try AtomicFile.write(path(fileName), bytes, mode: 0o600)
        } catch {
            throw Failure(path: path(fileName), message: error.message)
        }
    }

    private static func errorText(_ code: Int32) -> String { AtomicFile.text(code) }
}
