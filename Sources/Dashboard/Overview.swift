import Foundation
import TileScheduler

/// The page's jobs and workers panels and the tile detail, as JSON.
enum Overview {
    static let stateNames: [TileState: StaticString] = [
        .pending: "pending", .queued: "queued", .running: "running", .done: "done", .failed: "failed",
        .quarantined: "quarantined", .cancelled: "cancelled",
    ]

    /// `{"seq":N,"now":ms,"jobs":[{"job","name","pipeline","tiles","counts":{state:n},
    /// "submitted","ended","cancelled","rate","eta"}],"workers":[{…}]}`; newest job first. A few
    /// dozen rows at most, fetched when jobs or workers change: plain `JSONEncoder` (only the
    /// per-tile stream and the maps need `JSONBytes`). Absent values are left out.
    static func json(board: TileBoard, rates: [JobID: RateTracker], sequence: UInt64, unixMs: UInt64) -> String {
        let jobs = board.order.reversed().compactMap { job -> JobPanel? in
            guard let map = board.maps[job] else { return nil }
            let running = map.endedUnixMs == nil
            let remaining =
                map.tileCount - map.count(.done) - map.count(.failed) - map.count(.quarantined)
                - map.count(.cancelled)
            return JobPanel(
                job: UInt64(job), name: map.name, pipeline: map.pipeline, tiles: map.tileCount,
                counts: Dictionary(
                    uniqueKeysWithValues: TileState.allCases.map { ("\(stateNames[$0]!)", map.count($0)) }),
                submitted: map.submittedUnixMs, ended: map.endedUnixMs, cancelled: map.cancelled,
                rate: running ? rates[job]?.perSecond ?? 0 : 0,
                eta: running ? rates[job]?.secondsLeft(remaining: remaining) : nil)
        }
        let workers = board.workers.values.sorted { $0.id < $1.id }.map(WorkerPanel.init)
        return encode(Panels(seq: sequence, now: unixMs, jobs: jobs, workers: workers))
    }

    static func json(_ detail: TileDetail, workerName: String?) -> String {
        encode(
            TilePanel(
                job: UInt64(detail.job), position: detail.position, name: detail.name,
                state: "\(stateNames[detail.state]!)", worker: workerName, attempt: detail.attempt,
                durationMs: detail.state == .done ? detail.durationMs : nil, lastError: detail.lastError, x: detail.x,
                y: detail.y))
    }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    struct Panels: Encodable {
        var seq: UInt64
        var now: UInt64
        var jobs: [JobPanel]
        var workers: [WorkerPanel]
    }

    struct JobPanel: Encodable {
        var job: UInt64
        var name: String
        var pipeline: String
        var tiles: Int
        var counts: [String: Int]
        var submitted: UInt64
        var ended: UInt64?
        var cancelled: Bool
        var rate: Double
        var eta: Double?
    }

    struct WorkerPanel: Encodable {
        var id: UInt64
        var name, host, state: String
        var slots, busy, queued: UInt32
        var load: Double
        var rss, done, heardAgoMs: UInt64
        var node, nodeType, market: String

        init(_ row: WorkerRow) {
            (id, name, host, state) = (UInt64(row.id), row.name, row.host, row.state)
            (slots, busy, queued, load) = (row.slots, row.busy, row.queued, row.load)
            (rss, done, heardAgoMs) = (row.rssBytes, row.tilesDone, row.lastHeardAgoMs)
            (node, nodeType, market) = (row.node, row.nodeType, row.market)
        }
    }

    struct TilePanel: Encodable {
        var job: UInt64
        var position: UInt32
        var name: String
        var state: String
        var worker: String?
        var attempt: UInt32
        var durationMs: UInt32?
        var lastError: String?
        var x, y: Int
    }
}
