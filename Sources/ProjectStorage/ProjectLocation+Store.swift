import Foundation
import GrowBase
import GrowJob
import ObjectStore

extension ProjectLocation {
    /// The store behind this project folder; `settings` reach an S3-compatible store (a local
    /// folder ignores them).
    package func openStore(
        _ settings: StorageSettings = StorageSettings(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any ProjectStore {
        switch self {
        case .local(let path): LocalStore(root: path)
        case .s3(let uri): try S3Store(root: uri, settings: settings, environment: environment)
        }
    }

    /// Opens a folder a user named (a project folder, a scene's folder): one line naming it when
    /// it is neither a local path nor `s3://`.
    package static func openStore(_ text: String, settings: StorageSettings = StorageSettings()) throws
        -> any ProjectStore
    {
        guard let location = ProjectLocation(text) else {
            throw StorageError(.invalid, text, ProjectLocation.problem(with: text) ?? "not a project folder")
        }
        return try location.openStore(settings)
    }
}
