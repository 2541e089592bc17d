/// EC2's XML answers read into the models. Pure. EC2 lists are `<xSet><item>…</item></xSet>`.
package enum EC2Responses {
    /// Instances of a DescribeInstances (every reservation) or RunInstances answer, and the
    /// DescribeInstances page's `nextToken`.
    package static func instances(_ root: XMLNode) -> (instances: [EC2Instance], nextToken: String?) {
        var found: [EC2Instance] = []
        let reservations = root.child("reservationSet")?.children("item") ?? [root]
        for reservation in reservations {
            for item in reservation.child("instancesSet")?.children("item") ?? [] {
                found.append(instance(item))
            }
        }
        return (found, nonEmpty(root.value("nextToken")))
    }

    static func instance(_ item: XMLNode) -> EC2Instance {
        var tags: [String: String] = [:]
        for tag in item.child("tagSet")?.children("item") ?? [] {
            if let key = tag.value("key") { tags[key] = tag.value("value") ?? "" }
        }
        return EC2Instance(
            id: item.value("instanceId")?.trimmingSpaces ?? "", type: item.value("instanceType")?.trimmingSpaces ?? "",
            state: item.child("instanceState")?.value("name")?.trimmingSpaces ?? "",
            zone: item.child("placement")?.value("availabilityZone")?.trimmingSpaces ?? "",
            subnetID: nonEmpty(item.value("subnetId")), privateIP: nonEmpty(item.value("privateIpAddress")),
            publicIP: nonEmpty(item.value("ipAddress")),
            launchTime: item.value("launchTime").flatMap { AWSTime.unixMilliseconds(iso8601: $0) },
            lifecycle: nonEmpty(item.value("instanceLifecycle")), imageID: nonEmpty(item.value("imageId")),
            keyName: nonEmpty(item.value("keyName")), tags: tags)
    }

    /// TerminateInstances, StopInstances, StartInstances: each instance's new state.
    package static func stateChanges(_ root: XMLNode) -> [(id: String, state: String)] {
        (root.child("instancesSet")?.children("item") ?? []).map {
            (
                $0.value("instanceId")?.trimmingSpaces ?? "",
                $0.child("currentState")?.value("name")?.trimmingSpaces ?? ""
            )
        }
    }

    package static func subnets(_ root: XMLNode) -> (subnets: [EC2Subnet], nextToken: String?) {
        let subnets = (root.child("subnetSet")?.children("item") ?? []).map { item in
            EC2Subnet(
                id: item.value("subnetId")?.trimmingSpaces ?? "",
                zone: item.value("availabilityZone")?.trimmingSpaces ?? "",
                vpcID: item.value("vpcId")?.trimmingSpaces ?? "", cidr: item.value("cidrBlock")?.trimmingSpaces ?? "",
                availableAddresses: item.value("availableIpAddressCount").flatMap { Int($0.trimmingSpaces) } ?? 0,
                defaultForZone: item.value("defaultForAz")?.trimmingSpaces == "true",
                mapsPublicIP: item.value("mapPublicIpOnLaunch")?.trimmingSpaces == "true")
        }
        return (subnets, nonEmpty(root.value("nextToken")))
    }

    package static func securityGroups(_ root: XMLNode) -> (groups: [EC2SecurityGroup], nextToken: String?) {
        let groups = (root.child("securityGroupInfo")?.children("item") ?? []).map { item in
            EC2SecurityGroup(
                id: item.value("groupId")?.trimmingSpaces ?? "", name: item.value("groupName")?.trimmingSpaces ?? "",
                vpcID: nonEmpty(item.value("vpcId")),
                inbound: (item.child("ipPermissions")?.children("item") ?? []).map(permission))
        }
        return (groups, nonEmpty(root.value("nextToken")))
    }

    static func permission(_ item: XMLNode) -> EC2Permission {
        EC2Permission(
            ipProtocol: item.value("ipProtocol")?.trimmingSpaces ?? "-1",
            fromPort: item.value("fromPort").flatMap { Int($0.trimmingSpaces) },
            toPort: item.value("toPort").flatMap { Int($0.trimmingSpaces) },
            cidrs: (item.child("ipRanges")?.children("item") ?? []).compactMap { nonEmpty($0.value("cidrIp")) },
            groupIDs: (item.child("groups")?.children("item") ?? []).compactMap { nonEmpty($0.value("groupId")) })
    }

    package static func keyPairs(_ root: XMLNode) -> [EC2KeyPair] {
        (root.child("keySet")?.children("item") ?? []).map {
            EC2KeyPair(
                name: $0.value("keyName")?.trimmingSpaces ?? "", fingerprint: nonEmpty($0.value("keyFingerprint")))
        }
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingSpaces, !text.isEmpty else { return nil }
        return text
    }
}
