import Foundation

/// What EC2's metadata says is about to happen to the instance. Parsing is pure: the poller
/// hands the bodies over.
package enum InterruptionNotice {
    /// `spot/instance-action`: `{"action": "terminate", "time": "2026-11-30T10:00:00Z"}`.
    package struct InstanceAction: Sendable, Equatable {
        /// terminate, stop or hibernate.
        package var action: String
        package var timeUnixMs: UInt64

        package init(action: String, timeUnixMs: UInt64) {
            self.action = action
            self.timeUnixMs = timeUnixMs
        }
    }

    /// `events/recommendations/rebalance`: `{"noticeTime": "2026-11-30T09:58:00Z"}`.
    package struct Rebalance: Sendable, Equatable {
        package var noticeUnixMs: UInt64

        package init(noticeUnixMs: UInt64) { self.noticeUnixMs = noticeUnixMs }
    }

    package struct Malformed: Error, Equatable, CustomStringConvertible {
        package var description: String
    }

    package static func instanceAction(_ body: String) throws -> InstanceAction {
        let object = try jsonObject(body, what: "spot/instance-action")
        guard let action = object["action"] as? String, let time = object["time"] as? String else {
            throw Malformed(description: "spot/instance-action lacks action or time: \(body.prefix(200))")
        }
        return InstanceAction(action: action, timeUnixMs: try unixMs(time, what: "spot/instance-action time"))
    }

    package static func rebalance(_ body: String) throws -> Rebalance {
        let object = try jsonObject(body, what: "rebalance recommendation")
        guard let time = object["noticeTime"] as? String else {
            throw Malformed(description: "rebalance recommendation lacks noticeTime: \(body.prefix(200))")
        }
        return Rebalance(noticeUnixMs: try unixMs(time, what: "rebalance noticeTime"))
    }

    static func jsonObject(_ body: String, what: String) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            throw Malformed(description: "\(what) is not a JSON object: \(body.prefix(200))")
        }
        return object
    }

    /// ISO 8601 in UTC as EC2 writes it, with or without fractional seconds.
    static func unixMs(_ text: String, what: String) throws -> UInt64 {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: text) ?? fractional.date(from: text), date.timeIntervalSince1970 >= 0 else {
            throw Malformed(description: "\(what) is not an ISO 8601 time: \(text.prefix(100))")
        }
        return UInt64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
