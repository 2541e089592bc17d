/// `provider`: where the nodes come from.
public enum ProviderConfig: Equatable, Sendable {
    /// Machines that already exist, named by address.
    case local(LocalProvider)
    /// EC2 instances (parsed and checked; launching them is not implemented yet).
    case aws(AWSProvider)

    public var typeName: String {
        switch self {
        case .local: return "local"
        case .aws: return "aws"
        }
    }
}

public struct LocalProvider: Equatable, Sendable {
    public var headIP: String
    public var workerIPs: [String]
    /// Ray's `external_head_ip`: the address this machine uses for the head when it differs.
    public var externalHeadIP: String?

    public init(headIP: String, workerIPs: [String], externalHeadIP: String? = nil) {
        self.headIP = headIP
        self.workerIPs = workerIPs
        self.externalHeadIP = externalHeadIP
    }
}

public struct AWSProvider: Equatable, Sendable {
    public var region: String
    public var availabilityZones: [String]
    public var cacheStoppedNodes: Bool
    public var useInternalIPs: Bool
    public var securityGroup: PlainValue?

    public init(
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
