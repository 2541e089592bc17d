import Exec
import Foundation
import GrowBase
import GrowJob
import ProjectStorage

/// One tile of an EO pipeline as the pipelines see it: the job, the project's storage, the
/// tile's name and geometry, and a way to stop early when the head cancels or revokes it.
struct EOTile {
    let spec: JobSpec
    let storage: any ProjectStore
    let index: UInt32
    let name: String
    let cancellation: TileCancellation

    /// The tile's patch in the UTM grid (nil when the job lists tiles by name only).
    var areaTile: AreaGrid.Tile? {
        let tiles = spec.tiles.areaTiles
        return Int(index) < tiles.count ? tiles[Int(index)] : nil
    }

    /// The folder a structure key names (checked when the job was parsed).
    func folder(_ key: String) -> String { spec.folder(forKey: key) ?? key }

    /// `<folder>/<tile name>`: where the tile's EOPatch lives under a folder key.
    func patchFolder(_ key: String) -> String { folder(key) + "/" + name }

    func checkCancelled() throws {
        if cancellation.isCancelled { throw EOTileError.cancelled }
    }
}

/// Why a tile of an EO pipeline failed, and whether another attempt could help.
enum EOTileError: RetryableError {
    /// The inputs or the config are wrong: another attempt gives the same result.
    case input(String)
    case cancelled

    var description: String {
        switch self {
        case .input(let message): message
        case .cancelled: "cancelled"
        }
    }

    /// A cancelled tile may run again (elsewhere, or after a timeout); a bad input may not.
    var isRetryable: Bool {
        if case .cancelled = self { return true }
        return false
    }
}
