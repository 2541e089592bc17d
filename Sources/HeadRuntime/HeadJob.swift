
import GrowJob
import JobRecords
import TileScheduler
import TileScheduler

/// The head's record of one job: what it is, where its records go, and the counts and timings
/// the scheduler does not keep. The scheduler numbers a job's tiles 0..<selected.count; with a
/// `test_subset` those positions map to the spec's tile indices here.
final class HeadJob {
    let id: UInt32
    let spec: JobSpec
    let specJSON: String
    let recordsPath: String
    let records: JobRecords?
    let submittedUnixMs: UInt64
    private let selected: [UInt32]?
    private let positions: [UInt32: UInt32]?

    var finishedUnixMs: UInt64?
    var cancelled = false
    /// The job's final step (e.g. the mosaics of export_maps) is running.
    var finalizing = false
    /// The final step failed: the job is finished but counts one failure more.
    var finalizationFailed = false
    var done = 0
    /// Tiles not run because their output already existed (skip_existing).
    var skipped = 0
    var failures: [UInt32: FailedTileInfo] = [:]
    /// Failed runs reported by workers (a tile failing three times counts three).
    var failedRuns = 0
    var durations = TileDurations()
    var tilesByWorker: [String: Int] = [:]

    struct FailedTileInfo {
        var error: String
        var attempts: UInt32
        var quarantined: Bool
    }

    init(
        id: UInt32, spec: JobSpec, specJSON: String, recordsPath: String, records: JobRecords?, submittedUnixMs: UInt64
    ) {
        self.id = id
        self.spec = spec
        self.specJSON = specJSON
        self.recordsPath = recordsPath
        self.records = records
        self.submittedUnixMs = submittedUnixMs
        let selection = spec.selectedTiles
        if selection.count == spec.tiles.count, selection.enumerated().allSatisfy({ UInt32($0.offset) == $0.element }) {
            selected = nil
            positions = nil
        } else {
            selected = selection
            positions = Dictionary(uniqueKeysWithValues: selection.enumerated().map { ($0.element, UInt32($0.offset)) })
        }
    }

    var tileCount: Int { selected?.count ?? spec.tiles.count }
    var isFinished: Bool { finishedUnixMs != nil }

    /// Where a user finds the records: the project folder's copy when it is in object storage.
    var recordsLocation: String { records?.mirror?.location ?? recordsPath }
    var failedCount: Int { failures.values.filter { !$0.quarantined }.count }
    var quarantinedCount: Int { failures.values.filter(\.quarantined).count }
    /// Runs that were repeated after a failure: failed runs that did not end their tile.
    var retries: Int { max(0, failedRuns - failedCount) }

    /// The spec's tile index for a scheduler position.
    func tileIndex(ofPosition position: UInt32) -> UInt32 {
        selected.map { Int(position) < $0.count ? $0[Int(position)] : position } ?? position
    }

    /// The scheduler position of a spec tile index (nil: not part of this run).
    func position(ofTile index: UInt32) -> UInt32? {
        if let positions { return positions[index] }
        return Int(index) < spec.tiles.count ? index : nil
    }

    func tileName(ofPosition position: UInt32) -> String {
        spec.tiles.name(of: tileIndex(ofPosition: position))
    }

    /// Space-filling-curve order of the scheduler positions, for grid jobs.
    func curveOrder() -> [UInt32]? {
        var cells: [(x: Int, y: Int)] = []
        cells.reserveCapacity(tileCount)
        for position in 0..<UInt32(tileCount) {
            guard let cell = spec.tiles.coordinates(of: tileIndex(ofPosition: position)) else { return nil }
            cells.append(cell)
        }
        return HilbertCurve.order(of: cells)
    }
}

/// Tile durations without keeping one number per tile: count, sum, max, and a bounded sample
/// for percentiles.
struct TileDurations {
    private(set) var count = 0
    private(set) var sumMicros: UInt64 = 0
    private(set) var maxMicros: UInt64 = 0
    private var sample: [UInt64] = []
    private static let sampleLimit = 4096

    mutating func add(_ micros: UInt64) {
        count += 1
        sumMicros &+= micros
        maxMicros = max(maxMicros, micros)
        if sample.count < Self.sampleLimit {
            sample.append(micros)
        } else {
            // Deterministic thinning: replace a slot chosen by the running count.
            sample[(count &* 2_654_435_761) % Self.sampleLimit] = micros
        }
    }

    func percentile(_ p: Double) -> Double {
        guard !sample.isEmpty else { return 0 }
        let sorted = sample.sorted()
        let rank = min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded()))
        return Double(sorted[rank]) / 1e6
    }

    var meanSeconds: Double { count == 0 ? 0 : Double(sumMicros) / Double(count) / 1e6 }

    /// As the records write them (nil before any tile finished).
    var stats: DurationStats? {
        count == 0
            ? nil
            : DurationStats(
                count: count, mean: meanSeconds, p50: percentile(0.5), p95: percentile(0.95),
                max: Double(maxMicros) / 1e6)
    }
}
