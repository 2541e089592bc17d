import Foundation
import Synchronization

/// Copies a job's records to its project folder in object storage as the job runs: the head
/// keeps them in a local folder (appending to a log in S3 is not possible), uploads
/// `pipeline.log` at most every few seconds while it grows, and every record file at the end.
/// Uploads run on a queue of their own so the head's event loop never waits for the network.
public final class RecordsMirror: @unchecked Sendable {
    public let storage: any ProjectStorage
    /// Where the records go in the storage, e.g. `logs/2026-11-27T08-00-00Z-features-3`.
    public let prefix: String
    private let queue = DispatchQueue(label: "grow.records-mirror")
    private let onFailure: @Sendable (String) -> Void
    private let minimumInterval: TimeInterval
    private let state = Mutex(State())

    private struct State {
        var lastLogUpload = Date.distantPast
        var logUploadScheduled = false
    }

    public init(
        storage: any ProjectStorage, prefix: String, minimumInterval: TimeInterval = 5,
        onFailure: @escaping @Sendable (String) -> Void
    ) {
        self.storage = storage
        self.prefix = prefix
        self.minimumInterval = minimumInterval
        self.onFailure = onFailure
    }

    /// Where the records are, as a user would type it.
    public var location: String { storage.root.hasSuffix("/") ? storage.root + prefix : storage.root + "/" + prefix }

    /// The log grew: upload it now, or when `minimumInterval` has passed since the last upload.
    func logChanged(_ localPath: String) {
        let delay: TimeInterval? = state.withLock { state in
            guard !state.logUploadScheduled else { return nil }
            state.logUploadScheduled = true
            return max(0, minimumInterval - Date().timeIntervalSince(state.lastLogUpload))
        }
        guard let delay else { return }
        queue.asyncAfter(deadline: .now() + delay) { [self] in
            state.withLock { state in
                state.logUploadScheduled = false
                state.lastLogUpload = Date()
            }
            upload(localPath)
        }
    }

    /// Uploads the given local files (after any log upload already queued).
    func uploadFinal(_ localPaths: [String]) {
        queue.async { [self] in
            for path in localPaths { upload(path) }
        }
    }

    /// Waits until every queued upload has run (for tests and a stopping head).
    public func drain() {
        queue.sync {}
    }

    private func upload(_ localPath: String) {
        let key = prefix + "/" + (localPath as NSString).lastPathComponent
        do {
            try storage.upload(key, fromFile: localPath)
        } catch {
            onFailure("cannot copy the job's records to \(location): \(error)")
        }
    }
}
