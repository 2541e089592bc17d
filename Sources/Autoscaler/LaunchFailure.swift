/// Why a provider started no node, sorted by what the autoscaler does next.
package struct LaunchFailure: Error, Sendable, Hashable, CustomStringConvertible {
    package enum Kind: String, Sendable, Hashable {
        /// No capacity for the type anywhere the provider may try (EC2's
        /// `InsufficientInstanceCapacity`, `SpotMaxPriceTooLow`, `UnfulfillableCapacity` in every
        /// zone): the type is set aside for a while and the next type is tried.
        case capacity
        /// The provider's API asks us to slow down (`RequestLimitExceeded`): every launch waits.
        case throttled
        /// An account limit (vCPU or instance quota): set aside like `capacity`, said loudly.
        case quota
        /// Anything else (bad parameters, credentials, network): set aside like `capacity`.
        case other
    }

    package var kind: Kind
    package var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { "\(kind.rawValue): \(message)" }
}
