/// One EC2 instance as DescribeInstances and RunInstances describe it.
package struct EC2Instance: Sendable, Equatable {
    package var id: String
    package var type: String
    /// `pending`, `running`, `shutting-down`, `terminated`, `stopping`, `stopped`.
    package var state: String
    package var zone: String
    package var subnetID: String?
    package var privateIP: String?
    package var publicIP: String?
    /// Unix milliseconds.
    package var launchTime: UInt64?
    /// `spot` for a spot instance, nil for on-demand.
    package var lifecycle: String?
    package var imageID: String?
    package var keyName: String?
    package var tags: [String: String]

    package init(
        id: String, type: String, state: String, zone: String, subnetID: String? = nil, privateIP: String? = nil,
        publicIP: String? = nil, launchTime: UInt64? = nil, lifecycle: String? = nil, imageID: String? = nil,
        keyName: String? = nil, tags: [String: String] = [:]
    ) {
        self.id = id
        self.type = type
        self.state = state
        self.zone = zone
        self.subnetID = subnetID
        self.privateIP = privateIP
        self.publicIP = publicIP
        self.launchTime = launchTime
        self.lifecycle = lifecycle
        self.imageID = imageID
        self.keyName = keyName
        self.tags = tags
    }

    package var isSpot: Bool { lifecycle == "spot" }
    /// Neither terminated nor on its way there.
    package var isLive: Bool { state != "terminated" && state != "shutting-down" }
}

/// A subnet: where an instance lands (its zone) and in which VPC.
package struct EC2Subnet: Sendable, Equatable {
    package var id: String
    package var zone: String
    package var vpcID: String
    package var cidr: String
    package var availableAddresses: Int
    package var defaultForZone: Bool
    package var mapsPublicIP: Bool

    package init(
        id: String, zone: String, vpcID: String, cidr: String = "", availableAddresses: Int = 0,
        defaultForZone: Bool = false, mapsPublicIP: Bool = false
    ) {
        self.id = id
        self.zone = zone
        self.vpcID = vpcID
        self.cidr = cidr
        self.availableAddresses = availableAddresses
        self.defaultForZone = defaultForZone
        self.mapsPublicIP = mapsPublicIP
    }
}

/// One inbound rule: a protocol (`-1` for all, `tcp`...), a port range, and who may come in
/// (address ranges, security groups).
package struct EC2Permission: Sendable, Equatable, Hashable {
    package var ipProtocol: String
    package var fromPort: Int?
    package var toPort: Int?
    package var cidrs: [String]
    package var groupIDs: [String]

    package init(
        ipProtocol: String, fromPort: Int? = nil, toPort: Int? = nil, cidrs: [String] = [], groupIDs: [String] = []
    ) {
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.cidrs = cidrs
        self.groupIDs = groupIDs
    }

    /// Whether this rule lets in at least what `other` lets in (same protocol and ports, every
    /// source of `other` among its sources).
    package func covers(_ other: EC2Permission) -> Bool {
        ipProtocol == other.ipProtocol && (ipProtocol == "-1" || (fromPort == other.fromPort && toPort == other.toPort))
            && Set(other.cidrs).isSubset(of: cidrs) && Set(other.groupIDs).isSubset(of: groupIDs)
    }
}

package struct EC2SecurityGroup: Sendable, Equatable {
    package var id: String
    package var name: String
    package var vpcID: String?
    package var inbound: [EC2Permission]

    package init(id: String, name: String, vpcID: String?, inbound: [EC2Permission] = []) {
        self.id = id
        self.name = name
        self.vpcID = vpcID
        self.inbound = inbound
    }
}

package struct EC2KeyPair: Sendable, Equatable {
    package var name: String
    package var fingerprint: String?

    package init(name: String, fingerprint: String? = nil) {
        self.name = name
        self.fingerprint = fingerprint
    }
}

/// A Describe* filter: `tag:grow-cluster-name` = [`c`], `instance-state-name` = [`running`, ...].
package struct EC2Filter: Sendable, Equatable {
    package var name: String
    package var values: [String]

    package init(_ name: String, _ values: [String]) {
        self.name = name
        self.values = values
    }
}
