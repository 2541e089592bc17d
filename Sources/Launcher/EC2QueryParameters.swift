import Foundation

/// A node_config value (boto3's shape, as Ray's cluster.yaml writes it) in EC2's Query form:
/// nested keys joined by dots, list items numbered from 1, and the few list names EC2 spells
/// differently (`BlockDeviceMappings` → `BlockDeviceMapping.N`, `Tags` → `Tag.N`). Pure.
package enum EC2QueryParameters {
    /// boto3 member name → EC2 Query name, for lists.
    static let listNames: [String: String] = [
        "BlockDeviceMappings": "BlockDeviceMapping", "SecurityGroupIds": "SecurityGroupId",
        "TagSpecifications": "TagSpecification", "Tags": "Tag", "UserIdGroupPairs": "Groups",
        "SecurityGroups": "SecurityGroup", "SubnetIds": "SubnetId",
    ]

    package static func flatten(_ value: PlainValue, prefix: String) -> [(String, String)] {
        switch value {
        case .null: return []
        case .string(let text): return [(prefix, scalar(text))]
        case .list(let items):
            return items.enumerated().flatMap { flatten($0.element, prefix: "\(prefix).\($0.offset + 1)") }
        case .mapping(let fields):
            return fields.keys.sorted().flatMap { key -> [(String, String)] in
                let value = fields[key]!
                if case .list = value { return flatten(value, prefix: "\(prefix).\(listNames[key] ?? key)") }
                return flatten(value, prefix: "\(prefix).\(key)")
            }
        }
    }

    /// YAML's booleans as EC2 wants them (`True` → `true`); everything else as written.
    static func scalar(_ text: String) -> String {
        switch text {
        case "True", "TRUE", "true", "yes", "Yes": "true"
        case "False", "FALSE", "false", "no", "No": "false"
        default: text
        }
    }
}
