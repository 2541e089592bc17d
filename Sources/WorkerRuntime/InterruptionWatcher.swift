import AWSCore
import GrowBase
import Logging
import Wire

/// Polls the instance metadata service for EC2's spot interruption notice and rebalance
/// recommendation, and turns them into the worker's drain (deadline: the notice's time less the
/// margin) and a word to the head. Runs beside the worker until it ends or the task is cancelled.
package struct InterruptionWatcher: Sendable {
    package static let instanceActionPath = "meta-data/spot/instance-action"
    package static let rebalancePath = "meta-data/events/recommendations/rebalance"

    let client: InstanceMetadataClient
    let pollIntervalMs: UInt64
    /// Running tiles must be done this long before the machine goes (results reported, the
    /// head's reissue made) — what is still running then is reissued.
    let marginMs: UInt64
    let logger: Logger

    package init(
        client: InstanceMetadataClient, pollIntervalMs: UInt64 = 2000, marginMs: UInt64 = 15_000, logger: Logger
    ) {
        self.client = client
        self.pollIntervalMs = max(10, pollIntervalMs)
        self.marginMs = marginMs
        self.logger = logger
    }

    /// Polls every interval until the worker drains for a notice, or the task is cancelled.
    package func watch(_ worker: Worker) async {
        var rebalanceSeen = false
        var failing = false
        logger.info(
            "watching for spot interruption notices",
            metadata: ["metadata service": "\(client.endpoint)", "every ms": "\(pollIntervalMs)"])
        while !Task.isCancelled {
            do {
                if let body = try await client.fetch(Self.instanceActionPath) {
                    let notice = try InterruptionNotice.instanceAction(body)
                    let deadline = notice.timeUnixMs > marginMs ? notice.timeUnixMs - marginMs : 0
                    logger.warning(
                        "spot interruption notice: draining",
                        metadata: [
                            "action": "\(notice.action)", "machine goes at unix ms": "\(notice.timeUnixMs)",
                            "tiles must be done by unix ms": "\(deadline)",
                        ])
                    await worker.drain(
                        reason: "spot interruption notice (\(notice.action) at unix ms \(notice.timeUnixMs))",
                        deadlineUnixMs: deadline, cause: .interruption, terminationUnixMs: notice.timeUnixMs)
                    return
                }
                if !rebalanceSeen, let body = try await client.fetch(Self.rebalancePath) {
                    let recommendation = try InterruptionNotice.rebalance(body)
                    rebalanceSeen = true
                    await worker.noteRebalance(noticeUnixMs: recommendation.noticeUnixMs)
                }
                if failing {
                    failing = false
                    logger.info("the metadata service answers again")
                }
            } catch {
                // Said once per outage, not every two seconds.
                if !failing {
                    failing = true
                    logger.warning(
                        "cannot read spot notices from the metadata service; still trying",
                        metadata: ["error": "\(error)"])
                }
            }
            guard (try? await Task.sleep(for: .milliseconds(Int64(pollIntervalMs)))) != nil else { return }
        }
    }
}
