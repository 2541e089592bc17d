/// Where to try the next launch, given how the last ones went. Pure: errors (AWS's codes) and
/// the time (seconds) come in, decisions go out; `EC2NodeProvider` carries them out.
///
/// - No capacity (`InsufficientInstanceCapacity`, `SpotMaxPriceTooLow`, `UnfulfillableCapacity`
///   ...): the next subnet of the type, in the file's zone order; when every subnet refused, the
///   type is set aside for `setAside` seconds and the next worker type of the file is tried.
/// - Throttled (`RequestLimitExceeded`...): the same attempt again after a backoff that doubles.
/// - A quota (`InstanceLimitExceeded`, `VcpuLimitExceeded`, `MaxSpotInstanceCountExceeded`): stop,
///   with one line saying which limit.
/// - Anything else (a bad AMI, a wrong parameter): stop with the error.
package struct EC2LaunchPlanner: Sendable {
    package struct Subnet: Equatable, Sendable {
        package var id: String
        package var zone: String

        package init(id: String, zone: String) {
            self.id = id
            self.zone = zone
        }
    }

    package struct Attempt: Equatable, Sendable {
        package var typeName: String
        package var subnet: Subnet

        package init(typeName: String, subnet: Subnet) {
            self.typeName = typeName
            self.subnet = subnet
        }
    }

    package enum Next: Equatable, Sendable {
        case launch(Attempt)
        /// Throttled: ask again after this many seconds.
        case wait(Double)
        /// Every candidate refused or is set aside: why, in one line.
        case exhausted(String)
    }

    package enum Verdict: Equatable, Sendable {
        /// Ask `next` for another place.
        case tryNext
        /// Throttled: `next` says when.
        case backOff(Double)
        /// Give up on this launch: the line to show.
        case stop(String)
    }

    package static let capacityCodes: Set<String> = [
        "InsufficientInstanceCapacity", "InsufficientCapacity", "InsufficientHostCapacity", "SpotMaxPriceTooLow",
        "UnfulfillableCapacity", "InsufficientFreeAddressesInSubnet", "InsufficientReservedInstanceCapacity",
    ]
    package static let quotaCodes: Set<String> = [
        "InstanceLimitExceeded", "VcpuLimitExceeded", "MaxSpotInstanceCountExceeded", "InsufficientAddressCapacity",
    ]
    package static let throttlingCodes: Set<String> = [
        "RequestLimitExceeded", "Throttling", "ThrottlingException", "RequestThrottled", "EC2ThrottledException",
    ]

    /// Worker types in the file's order (the head's planner has only the head's type).
    package let typeOrder: [String]
    /// Each type's subnets in the order to try them.
    package let subnets: [String: [Subnet]]
    package let setAside: Double
    package let backoffBase: Double
    package let backoffMax: Double

    private var refused: [String: Set<String>] = [:]
    private var setAsideUntil: [String: Double] = [:]
    private var reasons: [String: String] = [:]
    private var throttledInARow = 0
    private var resumeAt: Double = 0

    package init(
        typeOrder: [String], subnets: [String: [Subnet]], setAside: Double = 300, backoffBase: Double = 1,
        backoffMax: Double = 60
    ) {
        self.typeOrder = typeOrder
        self.subnets = subnets
        self.setAside = setAside
        self.backoffBase = backoffBase
        self.backoffMax = backoffMax
    }

    /// Whether `type` is set aside at `now`.
    package func isSetAside(_ type: String, now: Double) -> Bool { (setAsideUntil[type] ?? 0) > now }

    /// Where to launch a node that should be of `type` (the next types of the file stand in for
    /// it while it is set aside); `allowed` says which types may still take one (room under
    /// their max_workers).
    package func next(wanting type: String, now: Double, allowed: (String) -> Bool = { _ in true }) -> Next {
        if resumeAt > now { return .wait(resumeAt - now) }
        let start = typeOrder.firstIndex(of: type) ?? 0
        let order = typeOrder.indices.map { typeOrder[(start + $0) % typeOrder.count] }
        for candidate in order where !isSetAside(candidate, now: now) && allowed(candidate) {
            let refusedHere = refused[candidate] ?? []
            if let subnet = subnets[candidate]?.first(where: { !refusedHere.contains($0.id) }) {
                return .launch(Attempt(typeName: candidate, subnet: subnet))
            }
        }
        let why = order.compactMap { name in reasons[name].map { "\(name): \($0)" } }
        return .exhausted(
            why.isEmpty
                ? "no node type can take another node (all set aside or at max_workers)"
                : "no capacity: " + why.joined(separator: "; "))
    }

    /// How `attempt` went: nil code for success.
    package mutating func record(_ attempt: Attempt, code: String?, message: String, now: Double) -> Verdict {
        guard let code else {
            throttledInARow = 0
            return .tryNext
        }
        if Self.throttlingCodes.contains(code) {
            throttledInARow += 1
            let delay = min(backoffMax, backoffBase * Double(1 << min(throttledInARow - 1, 20)))
            resumeAt = now + delay
            return .backOff(delay)
        }
        throttledInARow = 0
        if Self.capacityCodes.contains(code) {
            refused[attempt.typeName, default: []].insert(attempt.subnet.id)
            let all = Set((subnets[attempt.typeName] ?? []).map(\.id))
            if all.isSubset(of: refused[attempt.typeName] ?? []) {
                setAsideUntil[attempt.typeName] = now + setAside
                refused[attempt.typeName] = []
                reasons[attempt.typeName] =
                    "\(code) in every zone (\((subnets[attempt.typeName] ?? []).map(\.zone).joined(separator: ", "))), set aside for \(Int(setAside)) s"
            }
            return .tryNext
        }
        if Self.quotaCodes.contains(code) {
            return .stop(
                "\(attempt.typeName): an EC2 limit of the account is reached (\(code)): \(message); ask AWS for a higher limit (Service Quotas) or lower max_workers"
            )
        }
        return .stop("\(attempt.typeName) in \(attempt.subnet.zone): \(message)")
    }
}
