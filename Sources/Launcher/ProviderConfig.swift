/// `provider`: where the nodes come from.
package enum ProviderConfig: Equatable, Sendable {
    /// Machines that already exist, named by address.
    case local(LocalProvider)
    /// EC2 instances, launched and found by tags (`LauncherRuntime.EC2NodeProvider`).
    case aws(AWSProvider)

    /// aws with cache_stopped_nodes: idle on-demand nodes are stopped, not terminated.
    package var cachesStoppedNodes: Bool {
        if case .aws(let aws) = self { return aws.cacheStoppedNodes }
        return false
    }

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

/// `provider: type: aws`: EC2 in one region (Ray's keys; docs/cluster.md says what grow does
/// with each).
package struct AWSProvider: Equatable, Sendable {
    package var region: String
    /// Tried in this order when launching (`availability_zone`); empty: every zone of the VPC.
    package var availabilityZones: [String]
    /// Stop rather than terminate idle on-demand workers, and start stopped ones before launching.
    package var cacheStoppedNodes: Bool
    /// SSH to the nodes' private addresses (this machine is in the VPC).
    package var useInternalIPs: Bool
    /// `security_group.GroupName`: the group grow creates or reuses (default `grow-<cluster>`).
    package var securityGroupName: String?
    /// `security_group.IpPermissions`: inbound rules added to the group, as written (boto3's shape).
    package var securityGroupPermissions: PlainValue?
    /// `key_pair.key_name`: the EC2 key pair holding the public half of `auth.ssh_private_key`.
    package var keyPairName: String?
    /// Where SSH may come from (grow's `ssh_cidr`; Ray opens 0.0.0.0/0).
    package var sshCIDR: String

    package init(
        region: String, availabilityZones: [String] = [], cacheStoppedNodes: Bool = true, useInternalIPs: Bool = false,
        securityGroupName: String? = nil, securityGroupPermissions: PlainValue? = nil, keyPairName: String? = nil,
        sshCIDR: String = "0.0.0.0/0"
    ) {
        self.region = region
        self.availabilityZones = availabilityZones
        self.cacheStoppedNodes = cacheStoppedNodes
        self.useInternalIPs = useInternalIPs
        self.securityGroupName = securityGroupName
        self.securityGroupPermissions = securityGroupPermissions
        self.keyPairName = keyPairName
        self.sshCIDR = sshCIDR
    }
}
