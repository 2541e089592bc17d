import Autoscaler
import Foundation
import TileScheduler
import Wire
import XCTest

@testable import HeadRuntime

/// The coordinator with an autoscaler: what it learns from jobs and workers, and what it asks of
/// the provider and the workers.
final class AutoscalingCoordinatorTests: XCTestCase {
    static let spot = NodeTypeSpec(name: "spot", minWorkers: 1, maxWorkers: 4, slots: 2)

    func harness(idleTimeoutMs: UInt64 = 60_000) -> CoordinatorHarness {
        CoordinatorHarness(
            config: CoordinatorConfig(
                stateDirectory: "/state",
                autoscaler: AutoscalerConfig(nodeTypes: [Self.spot], idleTimeoutMs: idleTimeoutMs),
                autoscaleIntervalMs: 1000))
    }

    /// A worker on node `node` that registered with `slots` slots.
    func worker(_ h: inout CoordinatorHarness, _ name: String, node: String, slots: UInt32 = 2) -> ConnectionID {
        let id = h.connect(.worker, name)
        h.handle(
            .received(
                .registerWorker(
                    RegisterWorker(
                        workerID: name, incarnation: 1, host: name, cpus: 2, memoryBytes: 1 << 30, slots: slots,
                        version: "test", running: [], nodeID: node)), from: id))
        return id
    }

    /// The first tick, and the provider's answer to its listing: no node of the cluster yet.
    func start(_ h: inout CoordinatorHarness) {
        h.handle(.tick)
        h.handle(.autoscaler(.listed([])))
    }

    func testTheFirstTickListsTheProviderAndItsAnswerLaunchesTheMinimum() {
        var h = harness()
        XCTAssertEqual(h.handle(.tick).providerCalls, [.list], "nothing launched before the listing")
        h.advance(ms: 100)
        XCTAssertEqual(h.handle(.tick).providerCalls, [], "the autoscaler is told every second, not every tick")
        XCTAssertEqual(
            h.handle(.autoscaler(.listed([]))).providerCalls, [.launch(request: 1, nodeType: "spot", count: 1)])
    }

    func testAJobsTilesAreTheDemand() throws {
        var h = harness()
        start(&h)
        h.handle(.autoscaler(.launched(request: 1, nodes: [ProviderNode(id: "i-1", nodeType: "spot")])))
        h.handle(.autoscaler(.listed([ProviderNode(id: "i-1", nodeType: "spot")])))
        let client = h.connect(.client, "cli")
        _ = try h.submit(noopJob(tiles: 7), from: client)
        h.advance(ms: 1000)
        // 7 tiles over 2-slot nodes want 4; one is booting: 3 more (the type's max is 4).
        XCTAssertEqual(h.handle(.tick).providerCalls, [.launch(request: 2, nodeType: "spot", count: 3)])
    }

    func testASpotNoticeLaunchesTheReplacementInTheSameStepAsTheRevoke() throws {
        var h = harness()
        start(&h)
        h.handle(.autoscaler(.launched(request: 1, nodes: [ProviderNode(id: "i-1", nodeType: "spot")])))
        let client = h.connect(.client, "cli")
        let (job, _) = try h.submit(noopJob(tiles: 2), from: client)
        let spot = worker(&h, "w1", node: "i-1")
        h.handle(.received(.requestTiles(RequestTiles(count: 2)), from: spot))
        h.handle(.received(.tilesStarted(TileBatch(job: job, tiles: [.init(index: 0, attempt: 1)])), from: spot))
        h.advance(ms: 1000)
        h.handle(.tick)
        let notice = h.handle(
            .received(
                .drain(
                    Drain(
                        deadlineUnixMs: h.time.unixMs + 100_000, reason: "spot interruption notice",
                        cause: .interruption, terminationUnixMs: h.time.unixMs + 115_000)), from: spot))
        XCTAssertEqual(notice.providerCalls, [.launch(request: 2, nodeType: "spot", count: 1)])
        guard case .revoke(let revoke)? = notice.sent(to: spot).first else { return XCTFail("\(notice)") }
        XCTAssertEqual(revoke.indices, [1])
        // The drained worker goes: no loss is counted, and its node is terminated.
        h.handle(.received(.revokeAck(TileIndices(job: job, indices: [1])), from: spot))
        let gone = h.handle(.disconnected(spot))
        XCTAssertEqual(gone.providerCalls, [.terminate("i-1")])
        XCTAssertEqual(h.coordinator.scheduler.counters.workersLost, 0)
    }

    func testAnIdleWorkerIsToldToStopAndItsNodeTerminatedOnceItIsGone() throws {
        var h = harness(idleTimeoutMs: 5000)
        start(&h)
        h.handle(
            .autoscaler(
                .launched(
                    request: 1,
                    nodes: [ProviderNode(id: "i-1", nodeType: "spot"), ProviderNode(id: "i-2", nodeType: "spot")])))
        let first = worker(&h, "w1", node: "i-1")
        let second = worker(&h, "w2", node: "i-2")
        var shutdowns: [ConnectionID] = []
        for _ in 0..<6 {
            h.advance(ms: 1000)
            for connection in [first, second] {
                h.handle(
                    .received(
                        .heartbeat(Heartbeat(busySlots: 0, queuedTiles: 0, load: 0, rssBytes: 0)), from: connection))
            }
            let step = h.handle(.tick)
            for connection in [first, second] where step.sent(to: connection).contains(where: { $0.kind == .shutdown })
            {
                shutdowns.append(connection)
            }
        }
        XCTAssertEqual(shutdowns, [first], "one idle worker goes, the minimum of one stays")
        guard case .shutdown(let shutdown)? = h.log.sent(to: first).last else { return XCTFail("no Shutdown") }
        XCTAssertTrue(shutdown.graceful)
        XCTAssertTrue(shutdown.reason.contains("idle"), shutdown.reason)
        let gone = h.handle(.disconnected(first))
        XCTAssertEqual(gone.providerCalls, [.terminate("i-1")])
        XCTAssertEqual(h.coordinator.scheduler.counters.workersLost, 0)
    }

    func testAHeadWithoutAProviderNeverCallsOne() throws {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        _ = try h.submit(noopJob(tiles: 50), from: client)
        for _ in 0..<5 {
            h.advance(ms: 1000)
            h.handle(.tick)
        }
        XCTAssertEqual(h.log.providerCalls, [])
    }

    func testAWorkerThatDrainedAndLeftIsNotCountedLost() throws {
        var h = CoordinatorHarness()
        let worker = h.worker("w", slots: 1)
        h.handle(.received(.drain(Drain(deadlineUnixMs: h.time.unixMs + 10_000, reason: "SIGTERM")), from: worker))
        h.handle(.disconnected(worker))
        XCTAssertEqual(h.coordinator.scheduler.counters.workersLost, 0)
    }
}

extension Array where Element == HeadAction {
    var providerCalls: [ProviderCall] {
        compactMap { if case .provider(let call) = $0 { call } else { nil } }
    }
}
