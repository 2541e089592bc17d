import GrowJob
import JobRecords
import TileScheduler

/// The coordinator's record of one accepted job: what it is, where its records go, and what the
/// scheduler does not keep (outcomes' details, durations, who ran what). The scheduler numbers a
/// job's tiles 0..<selected.count; with a `test_subset` those positions map to the spec's tile
/// indices here.
struct HeadJob {
    let id: JobID
    let spec: JobSpec
    let specJSON: String
    let records: RecordsPlace
    let submittedUnixMs: UInt64
    private let selected: [UInt32]?
    private let positions: [UInt32: UInt32]?

    var phase: Phase = .running
    /// Positions of finished tiles, in the order they finished (skipped tiles included); emptied
    /// once the job's records are written, when only `finishedCount` is needed.
    private(set) var finished: [UInt32] = []
    private(set) var finishedCount = 0
    /// Tiles not run because their output already existed (skip_existing).
    var skipped = 0
    var failures: [UInt32: FailedTileInfo] = [:]
    var durations = TileDurations()
    var tilesByWorker: [String: Int] = [:]
    /// What a head before a restart counted for this job; the scheduler counts from zero.
    var countersBeforeRestart = JobCounters()
    /// The totals last written to the journal.
    var journaledCounters = JobCounters()
    /// The final step failed: the job is finished but counts one failure more.
    var finalizationFailed = false
    var cancelled = false

    enum Phase: Equatable {
        case running
        /// Every tile ended; the final step runs.
        case finalizing
        /// The final records are being written; `at` is when the job ended.
        case writingRecords(at: UInt64)
        case finished(at: UInt64)
    }

    struct FailedTileInfo {
        var error: String
        var attempts: UInt32
        var quarantined: Bool
    }

    init(id: JobID, spec: JobSpec, specJSON: String, records: RecordsPlace, submittedUnixMs: UInt64) {
        self.id = id
        self.spec = spec
        self.specJSON = specJSON
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

    /// The spec's tile index of each scheduler position; nil when every tile runs in index order.
    var selectedPositions: [UInt32]? { selected }

    var finishedUnixMs: UInt64? {
        if case .finished(let at) = phase { return at }
        return nil
    }

    var isOpen: Bool { phase == .running || phase == .finalizing }
    var done: Int { finishedCount - skipped }

    mutating func noteFinished(_ position: UInt32) {
        finished.append(position)
        finishedCount += 1
    }

    mutating func setFinished(_ positions: [UInt32]) {
        finished = positions
        finishedCount = positions.count
    }

    /// A finished job's records are written: its list of finished tiles goes (4 bytes a tile).
    mutating func dropFinishedList() {
        finished = []
    }

    var failedCount: Int { failures.values.filter { !$0.quarantined }.count }
    var quarantinedCount: Int { failures.values.filter(\.quarantined).count }

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
