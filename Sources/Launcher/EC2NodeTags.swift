import Crypto
import Foundation

/// The tags grow puts on every instance it launches, by which it finds them again (never by
/// anything it remembers locally): cluster, kind (head or worker), node type, and a hash of the
/// launch configuration, plus a `Name` for the console. Pure.
package enum EC2NodeTags {
    package static let cluster = "grow-cluster-name"
    package static let kind = "grow-node-kind"
    package static let type = "grow-node-type"
    package static let launchHash = "grow-launch-hash"

    package static func tags(cluster: String, kind: NodeIdentity.Role, type: String, launchHash: String)
        -> [String: String]
    {
        [
            Self.cluster: cluster, Self.kind: kind.rawValue, Self.type: type, Self.launchHash: launchHash,
            "Name": "grow-\(cluster)-\(kind.rawValue)",
        ]
    }

    /// Tag filters (`tag:KEY` = values) for the cluster's instances, of one kind when given.
    package static func filters(cluster: String, kind: NodeIdentity.Role? = nil) -> [(name: String, values: [String])] {
        var filters = [("tag:\(Self.cluster)", [cluster])]
        if let kind { filters.append(("tag:\(Self.kind)", [kind.rawValue])) }
        return filters
    }

    /// What an instance was launched from: its node type's node_config and its kind. A node whose
    /// hash differs from the file's was launched from an older file.
    package static func launchHash(nodeConfig: [String: PlainValue], kind: NodeIdentity.Role) -> String {
        let text = "\(kind.rawValue)\n" + canonical(.mapping(nodeConfig))
        return SHA256.hash(data: Data(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// A rendering with sorted keys, so equal configs hash equally whatever the file's key order.
    static func canonical(_ value: PlainValue) -> String {
        switch value {
        case .null: "null"
        case .string(let text): "\"\(text)\""
        case .list(let items): "[" + items.map(canonical).joined(separator: ",") + "]"
        case .mapping(let fields):
            "{" + fields.keys.sorted().map { "\"\($0)\":\(canonical(fields[$0]!))" }.joined(separator: ",") + "}"
        }
    }
}
