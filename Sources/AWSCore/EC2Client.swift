/// EC2's Query API, the calls the node provider makes. Every call is signed and retried by
/// `AWSServiceClient` (throttling such as `RequestLimitExceeded`, 5xx, transport failures); calls
/// that follow a launch also retry the `*.NotFound` codes EC2 answers until a new resource is
/// visible everywhere (it is eventually consistent). Blocking; thread-safe.
package final class EC2Client: Sendable {
    package let service: AWSServiceClient

    package init(config: AWSServiceConfig, log: (@Sendable (String) -> Void)? = nil) {
        self.service = AWSServiceClient(config: config, log: log)
    }

    /// One action; its answer's root element.
    package func call(
        _ action: String, _ parameters: [(String, String)], retryCodes: Set<String> = [],
        finalCodes: Set<String> = []
    ) throws(AWSError) -> XMLNode {
        let response = try service.post(
            operation: action, body: EC2Query.body(action: action, parameters: parameters),
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], errors: .query,
            retryCodes: retryCodes, finalCodes: finalCodes)
        do {
            return try XMLTree.parse(response.body)
        } catch {
            throw AWSError(.failed, service.subject(action), "unreadable answer: \(error)")
        }
    }

    // MARK: Instances

    /// The codes a launch answers when AWS has no room for it (in that zone, at that price):
    /// the caller tries elsewhere rather than the same request again.
    package static let capacityCodes: Set<String> = [
        "InsufficientInstanceCapacity", "InsufficientCapacity", "InsufficientHostCapacity",
        "InsufficientReservedInstanceCapacity", "SpotMaxPriceTooLow", "UnfulfillableCapacity",
        "InsufficientFreeAddressesInSubnet", "MaxSpotInstanceCountExceeded", "InstanceLimitExceeded",
        "VcpuLimitExceeded",
    ]

    /// RunInstances with parameters already in Query form (`Launcher.EC2LaunchRequest` builds
    /// them, with a `ClientToken` so a retried request launches nothing twice).
    package func runInstances(_ parameters: [(String, String)]) throws(AWSError) -> [EC2Instance] {
        EC2Responses.instances(try call("RunInstances", parameters, finalCodes: Self.capacityCodes)).instances
    }

    /// Every instance the filters match, page by page; with `ids`, those instances (retried
    /// while EC2 does not know them yet).
    package func describeInstances(filters: [EC2Filter] = [], ids: [String] = [], pageSize: Int = 1000)
        throws(AWSError) -> [EC2Instance]
    {
        var all: [EC2Instance] = []
        var token: String?
        repeat {
            var parameters = EC2Query.filters(filters) + EC2Query.list("InstanceId", ids)
            // MaxResults may not go with instance IDs.
            if ids.isEmpty { parameters.append(("MaxResults", String(min(max(pageSize, 5), 1000)))) }
            if let token { parameters.append(("NextToken", token)) }
            let page = EC2Responses.instances(
                try call("DescribeInstances", parameters, retryCodes: ids.isEmpty ? [] : ["InvalidInstanceID.NotFound"])
            )
            all += page.instances
            if let next = page.nextToken, next == token {
                throw AWSError(.failed, service.subject("DescribeInstances"), "the listing repeats its NextToken")
            }
            token = page.nextToken
        } while token != nil
        return all
    }

    package func terminateInstances(_ ids: [String]) throws(AWSError) -> [(id: String, state: String)] {
        guard !ids.isEmpty else { return [] }
        return EC2Responses.stateChanges(
            try call("TerminateInstances", EC2Query.list("InstanceId", ids), retryCodes: ["InvalidInstanceID.NotFound"])
        )
    }

    package func stopInstances(_ ids: [String]) throws(AWSError) -> [(id: String, state: String)] {
        guard !ids.isEmpty else { return [] }
        return EC2Responses.stateChanges(
            try call("StopInstances", EC2Query.list("InstanceId", ids), retryCodes: ["InvalidInstanceID.NotFound"]))
    }

    package func startInstances(_ ids: [String]) throws(AWSError) -> [(id: String, state: String)] {
        guard !ids.isEmpty else { return [] }
        // A stopping instance cannot start yet (IncorrectInstanceState): wait for it to stop.
        return EC2Responses.stateChanges(
            try call(
                "StartInstances", EC2Query.list("InstanceId", ids),
                retryCodes: ["InvalidInstanceID.NotFound", "IncorrectInstanceState"]))
    }

    package func createTags(resources: [String], tags: [String: String]) throws(AWSError) {
        guard !resources.isEmpty, !tags.isEmpty else { return }
        _ = try call(
            "CreateTags", EC2Query.list("ResourceId", resources) + EC2Query.tags(tags),
            retryCodes: ["InvalidInstanceID.NotFound", "InvalidID"])
    }

    // MARK: Network

    package func describeSubnets(filters: [EC2Filter] = [], ids: [String] = []) throws(AWSError) -> [EC2Subnet] {
        var all: [EC2Subnet] = []
        var token: String?
        repeat {
            var parameters = EC2Query.filters(filters) + EC2Query.list("SubnetId", ids)
            if let token { parameters.append(("NextToken", token)) }
            let page = EC2Responses.subnets(try call("DescribeSubnets", parameters))
            all += page.subnets
            if let next = page.nextToken, next == token { break }
            token = page.nextToken
        } while token != nil
        return all
    }

    package func describeSecurityGroups(filters: [EC2Filter] = [], ids: [String] = []) throws(AWSError)
        -> [EC2SecurityGroup]
    {
        var all: [EC2SecurityGroup] = []
        var token: String?
        repeat {
            var parameters = EC2Query.filters(filters) + EC2Query.list("GroupId", ids)
            if let token { parameters.append(("NextToken", token)) }
            let page = EC2Responses.securityGroups(
                try call("DescribeSecurityGroups", parameters, retryCodes: ids.isEmpty ? [] : ["InvalidGroup.NotFound"])
            )
            all += page.groups
            if let next = page.nextToken, next == token { break }
            token = page.nextToken
        } while token != nil
        return all
    }

    /// The new group's ID.
    package func createSecurityGroup(name: String, description: String, vpcID: String) throws(AWSError) -> String {
        let root = try call(
            "CreateSecurityGroup", [("GroupName", name), ("GroupDescription", description), ("VpcId", vpcID)])
        guard let id = root.value("groupId")?.trimmingSpaces, !id.isEmpty else {
            throw AWSError(.failed, service.subject("CreateSecurityGroup"), "the answer has no groupId")
        }
        return id
    }

    package func authorizeSecurityGroupIngress(groupID: String, permissions: [EC2Permission]) throws(AWSError) {
        guard !permissions.isEmpty else { return }
        _ = try call(
            "AuthorizeSecurityGroupIngress", [("GroupId", groupID)] + EC2Query.permissions(permissions),
            retryCodes: ["InvalidGroup.NotFound"])
    }

    // MARK: Key pairs

    /// The key pairs of these names that exist (none when EC2 knows none of them).
    package func describeKeyPairs(names: [String]) throws(AWSError) -> [EC2KeyPair] {
        do throws(AWSError) {
            return EC2Responses.keyPairs(try call("DescribeKeyPairs", EC2Query.list("KeyName", names)))
        } catch  where error.code == "InvalidKeyPair.NotFound" {
            return []
        }
    }

    /// Uploads the public half of an SSH key (`ssh-ed25519 AAAA… comment`) under `name`.
    package func importKeyPair(name: String, publicKey: String) throws(AWSError) -> EC2KeyPair {
        let material = Array(publicKey.utf8)
        let root = try call("ImportKeyPair", [("KeyName", name), ("PublicKeyMaterial", base64(material))])
        return EC2KeyPair(
            name: root.value("keyName")?.trimmingSpaces ?? name,
            fingerprint: EC2Responses.nonEmpty(root.value("keyFingerprint")))
    }
}

/// Standard base64 (EC2 wants the key material and the user data encoded).
package func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index < bytes.count {
        let chunk = bytes[index..<min(index + 3, bytes.count)]
        var value = UInt32(0)
        for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
        for position in 0..<4 {
            if position <= chunk.count {
                out.append(alphabet[Int((value >> (18 - 6 * position)) & 0x3F)])
            } else {
                out.append(UInt8(ascii: "="))
            }
        }
        index += 3
    }
    return String(decoding: out, as: UTF8.self)
}
