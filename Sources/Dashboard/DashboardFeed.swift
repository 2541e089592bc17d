import Foundation
import Synchronization
import TileScheduler

/// The dashboard's state shared between the head's event loop (which applies its events) and
/// the HTTP server's readers: a `TileBoard`, the event stream's history, each job's rate. Every
/// call takes the lock briefly; batches are sealed (encoded once) when a reader polls and the
/// last batch is older than `batchIntervalMs`, so a head with no dashboard open seals nothing.
package final class DashboardFeed: Sendable {
    package let batchIntervalMs: UInt64
    private let state: Mutex<State>

    struct State {
        var board: TileBoard
        var history: StreamHistory
        var rates: [JobID: RateTracker] = [:]
        var lastSealMs: UInt64 = 0
        var bytesSent: UInt64 = 0
        var tilesSent: UInt64 = 0
    }

    package init(batchIntervalMs: UInt64 = 250, historyBatches: Int = 64, keepJobs: Int = 20) {
        self.batchIntervalMs = batchIntervalMs
        state = Mutex(State(board: TileBoard(keepJobs: keepJobs), history: StreamHistory(capacity: historyBatches)))
    }

    package func apply(_ events: [DashboardEvent]) {
        guard !events.isEmpty else { return }
        state.withLock { state in
            for event in events { state.board.apply(event) }
        }
    }

    /// What a stream reader at `cursor` gets now; seals a batch first when one is due.
    package func poll(after cursor: UInt64, nowMs: UInt64) -> StreamHistory.Answer {
        state.withLock { state in
            if nowMs >= state.lastSealMs + batchIntervalMs {
                state.lastSealMs = nowMs
                Self.recordRates(&state, nowMs: nowMs)
                if let batch = state.board.takeBatch(sequence: state.history.lastSequence + 1) {
                    let text = batch.json()
                    state.history.append(text)
                    state.bytesSent += UInt64(text.utf8.count)
                    state.tilesSent += UInt64(batch.tileCount)
                }
            }
            return state.history.after(cursor)
        }
    }

    private static func recordRates(_ state: inout State, nowMs: UInt64) {
        for job in state.board.order {
            guard let map = state.board.maps[job], map.endedUnixMs == nil else { continue }
            state.rates[job, default: RateTracker()].record(done: map.count(.done), atMs: nowMs)
        }
    }

    /// The newest batch's sequence number: a new reader starts after it.
    package var lastSequence: UInt64 { state.withLock { $0.history.lastSequence } }

    /// Bytes and tile entries the stream's batches held so far (for the benchmark).
    package var streamTotals: (bytes: UInt64, tiles: UInt64) {
        state.withLock { ($0.bytesSent, $0.tilesSent) }
    }

    /// A job's whole map (layout, every tile's state and worker) and the stream sequence it is
    /// current with: a reader applies the batches after it.
    package func mapJSON(job: JobID) -> String? {
        state.withLock { state in
            guard let map = state.board.maps[job] else { return nil }
            return MapSnapshot.json(map, sequence: state.history.lastSequence)
        }
    }

    package func overviewJSON(nowMs: UInt64, unixMs: UInt64) -> String {
        state.withLock { state in
            Overview.json(board: state.board, rates: state.rates, sequence: state.history.lastSequence, unixMs: unixMs)
        }
    }

    package func tileJSON(job: JobID, position: UInt32) -> String? {
        state.withLock { state in
            guard let map = state.board.maps[job], let detail = map.detail(position) else { return nil }
            return Overview.json(detail, workerName: state.board.workers[detail.worker]?.name)
        }
    }

    package func quicklook(job: JobID, index: Int) -> [UInt8]? {
        state.withLock { state in
            guard let images = state.board.maps[job]?.quicklooks, images.indices.contains(index) else { return nil }
            return images[index].png
        }
    }

    /// Counts per state of every job the board keeps (for /metrics).
    package func jobCounts() -> [(job: JobID, name: String, counts: [TileState: Int])] {
        state.withLock { state in
            state.board.order.compactMap { job in
                guard let map = state.board.maps[job] else { return nil }
                var counts: [TileState: Int] = [:]
                for tileState in TileState.allCases { counts[tileState] = map.count(tileState) }
                return (job, map.name, counts)
            }
        }
    }
}
