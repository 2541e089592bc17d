import TileScheduler

/// The page's jobs and workers panels and the tile detail, as JSON.
enum Overview {
    static let stateNames: [TileState: StaticString] = [
        .pending: "pending", .queued: "queued", .running: "running", .done: "done", .failed: "failed",
        .quarantined: "quarantined", .cancelled: "cancelled",
    ]

    /// `{"seq":N,"now":ms,"jobs":[{"job","name","pipeline","tiles","counts":{state:n},
    /// "submitted","ended","cancelled","rate","eta"}],"workers":[{…}]}`; newest job first.
    static func json(board: TileBoard, rates: [JobID: RateTracker], sequence: UInt64, unixMs: UInt64) -> String {
        var out = JSONBytes(capacity: 4096)
        out.append("{\"seq\":")
        out.append(sequence)
        out.append(",\"now\":")
        out.append(unixMs)
        out.append(",\"jobs\":[")
        for (index, job) in board.order.reversed().enumerated() {
            guard let map = board.maps[job] else { continue }
            if index > 0 { out.append(",") }
            out.append("{\"job\":")
            out.append(UInt64(job))
            out.append(",\"name\":")
            out.append(string: map.name)
            out.append(",\"pipeline\":")
            out.append(string: map.pipeline)
            out.append(",\"tiles\":")
            out.append(map.tileCount)
            out.append(",\"counts\":{")
            for (i, state) in TileState.allCases.enumerated() {
                if i > 0 { out.append(",") }
                out.append("\"")
                out.append(stateNames[state]!)
                out.append("\":")
                out.append(map.count(state))
            }
            out.append("},\"submitted\":")
            out.append(map.submittedUnixMs)
            out.append(",\"ended\":")
            if let ended = map.endedUnixMs { out.append(ended) } else { out.append("null") }
            out.append(",\"cancelled\":")
            out.append(map.cancelled ? "true" : "false")
            let rate = map.endedUnixMs == nil ? rates[job]?.perSecond ?? 0 : 0
            out.append(",\"rate\":")
            out.append(rate)
            out.append(",\"eta\":")
            let remaining =
                map.tileCount - map.count(.done) - map.count(.failed) - map.count(.quarantined)
                - map.count(.cancelled)
            if map.endedUnixMs == nil, let left = rates[job]?.secondsLeft(remaining: remaining) {
                out.append(left)
            } else {
                out.append("null")
            }
            out.append("}")
        }
        out.append("],\"workers\":[")
        for (index, row) in board.workers.values.sorted(by: { $0.id < $1.id }).enumerated() {
            if index > 0 { out.append(",") }
            out.append("{\"id\":")
            out.append(row.id)
            out.append(",\"name\":")
            out.append(string: row.name)
            out.append(",\"host\":")
            out.append(string: row.host)
            out.append(",\"state\":")
            out.append(string: row.state)
            out.append(",\"slots\":")
            out.append(UInt64(row.slots))
            out.append(",\"busy\":")
            out.append(UInt64(row.busy))
            out.append(",\"queued\":")
            out.append(UInt64(row.queued))
            out.append(",\"load\":")
            out.append(row.load)
            out.append(",\"rss\":")
            out.append(row.rssBytes)
            out.append(",\"done\":")
            out.append(row.tilesDone)
            out.append(",\"heardAgoMs\":")
            out.append(row.lastHeardAgoMs)
            out.append(",\"node\":")
            out.append(string: row.node)
            out.append(",\"nodeType\":")
            out.append(string: row.nodeType)
            out.append(",\"market\":")
            out.append(string: row.market)
            out.append("}")
        }
        out.append("]}")
        return out.string
    }

    static func json(_ detail: TileDetail, workerName: String?) -> String {
        var out = JSONBytes()
        out.append("{\"job\":")
        out.append(UInt64(detail.job))
        out.append(",\"position\":")
        out.append(UInt64(detail.position))
        out.append(",\"name\":")
        out.append(string: detail.name)
        out.append(",\"state\":\"")
        out.append(stateNames[detail.state]!)
        out.append("\",\"worker\":")
        if let workerName { out.append(string: workerName) } else { out.append("null") }
        out.append(",\"attempt\":")
        out.append(UInt64(detail.attempt))
        out.append(",\"durationMs\":")
        if detail.state == .done { out.append(UInt64(detail.durationMs)) } else { out.append("null") }
        out.append(",\"lastError\":")
        if let error = detail.lastError { out.append(string: error) } else { out.append("null") }
        out.append(",\"x\":")
        out.append(detail.x)
        out.append(",\"y\":")
        out.append(detail.y)
        out.append("}")
        return out.string
    }
}
