import Foundation

/// The RunInstances parameters for `count` nodes of one type: the node_config as written (Query
/// form), in the subnet the planner chose, with grow's tags on the instance and its volumes, the
/// bootstrap's key pair and security group where the node_config names none, and a client token
/// so a retried request launches nothing twice. The head always runs on-demand: its market
/// options are dropped. Pure.
package struct EC2LaunchRequest: Equatable, Sendable {
    package var nodeConfig: [String: PlainValue]
    package var count: Int
    package var subnetID: String?
    /// Used when the node_config has no `SecurityGroupIds`.
    package var securityGroupIDs: [String]
    /// Used when the node_config has no `KeyName`.
    package var keyName: String?
    package var tags: [String: String]
    package var onDemand: Bool
    package var clientToken: String

    package init(
        nodeConfig: [String: PlainValue], count: Int, subnetID: String?, securityGroupIDs: [String], keyName: String?,
        tags: [String: String], onDemand: Bool, clientToken: String
    ) {
        self.nodeConfig = nodeConfig
        self.count = count
        self.subnetID = subnetID
        self.securityGroupIDs = securityGroupIDs
        self.keyName = keyName
        self.tags = tags
        self.onDemand = onDemand
        self.clientToken = clientToken
    }

    package var parameters: [(String, String)] {
        var parameters: [(String, String)] = [
            ("MinCount", String(count)), ("MaxCount", String(count)), ("ClientToken", clientToken),
        ]
        for key in ["InstanceType", "ImageId", "KeyName"] {
            if case .string(let value) = nodeConfig[key] { parameters.append((key, value)) }
        }
        if nodeConfig["KeyName"] == nil, let keyName { parameters.append(("KeyName", keyName)) }
        if let subnetID { parameters.append(("SubnetId", subnetID)) }
        if let groups = nodeConfig["SecurityGroupIds"] {
            parameters += EC2QueryParameters.flatten(groups, prefix: "SecurityGroupId")
        } else {
            parameters += securityGroupIDs.enumerated().map { ("SecurityGroupId.\($0.offset + 1)", $0.element) }
        }
        for key in ["IamInstanceProfile", "MetadataOptions"] {
            if let value = nodeConfig[key] { parameters += EC2QueryParameters.flatten(value, prefix: key) }
        }
        if !onDemand, let market = nodeConfig["InstanceMarketOptions"] {
            parameters += EC2QueryParameters.flatten(market, prefix: "InstanceMarketOptions")
        }
        if let devices = nodeConfig["BlockDeviceMappings"] {
            parameters += EC2QueryParameters.flatten(devices, prefix: "BlockDeviceMapping")
        }
        if case .string(let userData) = nodeConfig["UserData"] {
            parameters.append(("UserData", Data(userData.utf8).base64EncodedString()))
        }
        parameters += tagSpecifications()
        return parameters
    }

    /// The file's TagSpecifications with grow's tags added to the instance's and the volumes'
    /// (grow's own keys win; the file's `Name` stays when it sets one).
    func tagSpecifications() -> [(String, String)] {
        var specifications: [(resource: String, tags: [String: String])] = []
        if case .list(let items) = nodeConfig["TagSpecifications"] {
            for item in items {
                guard case .mapping(let fields) = item, case .string(let resource) = fields["ResourceType"] else {
                    continue
                }
                var tags: [String: String] = [:]
                if case .list(let pairs) = fields["Tags"] {
                    for pair in pairs {
                        if case .mapping(let tag) = pair, case .string(let key) = tag["Key"] {
                            if case .string(let value) = tag["Value"] { tags[key] = value } else { tags[key] = "" }
                        }
                    }
                }
                specifications.append((resource, tags))
            }
        }
        for resource in ["instance", "volume"] {
            var merged = specifications.first { $0.resource == resource }?.tags ?? [:]
            for (key, value) in tags where key != "Name" || merged["Name"] == nil { merged[key] = value }
            if let index = specifications.firstIndex(where: { $0.resource == resource }) {
                specifications[index].tags = merged
            } else {
                specifications.append((resource, merged))
            }
        }
        var parameters: [(String, String)] = []
        for (index, specification) in specifications.enumerated() {
            let prefix = "TagSpecification.\(index + 1)"
            parameters.append(("\(prefix).ResourceType", specification.resource))
            for (tagIndex, key) in specification.tags.keys.sorted().enumerated() {
                parameters.append(("\(prefix).Tag.\(tagIndex + 1).Key", key))
                parameters.append(("\(prefix).Tag.\(tagIndex + 1).Value", specification.tags[key]!))
            }
        }
        return parameters
    }
}
