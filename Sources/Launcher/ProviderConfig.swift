/// `provider`: where the nodes come from.
package enum ProviderConfig: Equatable, Sendable {
    /// Machines that already exist, named by address.
    case local(LocalProvider)
    /// EC2 instances (parsed and checked; launching them is not implemented yet).
    case aws(AWSProvider)

    package var typeName: String {
        switch self {
        case .local: return "local"
        case .aws: return "aws"
        }
    }
}

package struct LocalProvider: Equatable, Sendable {
    package var headIP: String
    package var workerIPs: [String]
    /// Ray's `external_head_ip`: the address this machine uses for the head when it differs.
    package var externalHeadIP: String?

    package init(headIP: String, workerIPs: [String], externalHeadIP: String? = nil) {
        self.headIP = headIP
        self.workerIPs = workerIPs
        self.externalHeadIP = externalHeadIP
    }
}

package struct AWSProvider: Equatable, Sendable {
    package var region: String
    package var availabilityZones: [String]
    package var cacheStoppedNodes: Bool
    package var useInternalIPs: Bool
    package var securityGroup: PlainValue?

    package init(
        region: String, availabilityZones: [String] = [], cacheStoppedNodes: Bool = true, useInternalIPs: Bool = false,
        securityGroup: PlainValue? = nil
    ) {
        self.region = region
        self.availabilityZones = availabilityZones
        self.cacheStoppedNodes = cacheStoppedNodes
        self.useInternalIPs = useInternalIPs
        self.securityGroup = securityGroup
    }
}
