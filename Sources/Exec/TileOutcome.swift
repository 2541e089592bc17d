/// What became of one tile attempt; maps onto the wire's TileResult / TileFailure.
package enum TileOutcome: Sendable, Equatable {
    /// `detail`: for a command, the last line of its standard output (at most 200 characters).
    case done(durationMicros: UInt64, detail: String)
    /// `retryable`: whether another attempt (maybe on another worker) could succeed.
    case failed(durationMicros: UInt64, retryable: Bool, error: String)

    package var durationMicros: UInt64 {
        switch self {
        case .done(let micros, _), .failed(let micros, _, _): return micros
        }
    }

    package var isDone: Bool {
        if case .done = self { return true }
        return false
    }
}
