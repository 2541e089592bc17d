import Foundation
import GrowBase
import GrowJob
import JobRecords
import Logging
import ProjectStorage
import TileScheduler

/// Every job's records (pipeline.log and the final files), written on a queue of their own so the
/// head's event loop never waits on a disk or a bucket. Operations on one job run in the order
/// they were asked for.
final class RecordsKeeper: @unchecked Sendable {  // `folders` is touched only on `queue`
    private let queue = DispatchQueue(label: "grow.records")
    private var folders: [JobID: RecordsFolder] = [:]
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Opens (creating if needed) a job's records folder and, for a project in object storage,
    /// the copy to its bucket. Blocking: call off the event loop.
    static func open(_ place: RecordsPlace, settings: StorageSettings, logger: Logger) throws -> RecordsFolder {
        let folder = try RecordsFolder(directory: place.path)
        if let (project, prefix) = place.mirror {
            folder.mirror = RecordsMirror(storage: try project.openStore(settings), prefix: prefix) { problem in
                logger.error("\(problem)")
            }
        }
        return folder
    }

    /// Takes over a folder a preparation opened.
    func adopt(_ folder: RecordsFolder, for job: JobID) {
        queue.async { self.folders[job] = folder }
    }

    /// Opens the records of a job resumed from the journal.
    func reopen(_ job: JobID, _ place: RecordsPlace, settings: StorageSettings) {
        queue.async {
            do {
                self.folders[job] = try Self.open(place, settings: settings, logger: self.logger)
            } catch {
                self.logger.error(
                    "cannot reopen a resumed job's records", metadata: ["job": "\(job)", "error": "\(error)"])
            }
        }
    }

    func append(_ job: JobID, _ lines: [String], at time: Date) {
        queue.async {
            guard let folder = self.folders[job] else { return }
            for line in lines { folder.log(line, at: time) }
        }
    }

    func flushAll() {
        queue.async {
            for folder in self.folders.values { folder.flush() }
        }
    }

    /// Writes the final files and lets go of the folder; `done` gets the error text, if any.
    func writeFinal(_ job: JobID, _ records: FinalRecords, done: @escaping @Sendable (String?) -> Void) {
        queue.async {
            guard let folder = self.folders.removeValue(forKey: job) else {
                return done("the job's records folder is not open")
            }
            for line in records.logLines { folder.log(line) }
            do {
                try folder.writeFinal(finished: records.finished, failed: records.failed, report: records.report)
                folder.flush()
                done(nil)
            } catch {
                done("\(error)")
            }
        }
    }

    /// Waits until everything asked for is written, object-store copies included.
    func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                for folder in self.folders.values {
                    folder.flush()
                    folder.mirror?.drain()
                }
                continuation.resume()
            }
        }
    }
}
