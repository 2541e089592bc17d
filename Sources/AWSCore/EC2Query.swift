import Foundation

/// EC2's Query API request bodies: `Action=…&Version=2016-11-15` and the parameters, form-encoded
/// as botocore writes them (percent-encoding, a space as `+`). Pure.
package enum EC2Query {
    package static let version = "2016-11-15"

    package static func body(action: String, parameters: [(String, String)]) -> [UInt8] {
        let pairs = [("Action", action), ("Version", version)] + parameters
        return Array(pairs.map { "\(form($0.0))=\(form($0.1))" }.joined(separator: "&").utf8)
    }

    static func form(_ text: String) -> String {
        AWSEncoding.encode(text).replacingOccurrences(of: "%20", with: "+")
    }

    /// `Filter.N.Name` / `Filter.N.Value.M`.
    package static func filters(_ filters: [EC2Filter]) -> [(String, String)] {
        var parameters: [(String, String)] = []
        for (index, filter) in filters.enumerated() {
            parameters.append(("Filter.\(index + 1).Name", filter.name))
            for (valueIndex, value) in filter.values.enumerated() {
                parameters.append(("Filter.\(index + 1).Value.\(valueIndex + 1)", value))
            }
        }
        return parameters
    }

    /// `<prefix>.N` for each value (`InstanceId.1`, `KeyName.1`).
    package static func list(_ prefix: String, _ values: [String]) -> [(String, String)] {
        values.enumerated().map { ("\(prefix).\($0.offset + 1)", $0.element) }
    }

    /// `Tag.N.Key` / `Tag.N.Value` (CreateTags), in key order so requests are reproducible.
    package static func tags(_ tags: [String: String], prefix: String = "Tag") -> [(String, String)] {
        var parameters: [(String, String)] = []
        for (index, key) in tags.keys.sorted().enumerated() {
            parameters.append(("\(prefix).\(index + 1).Key", key))
            parameters.append(("\(prefix).\(index + 1).Value", tags[key]!))
        }
        return parameters
    }

    /// `IpPermissions.N.*` of AuthorizeSecurityGroupIngress.
    package static func permissions(_ permissions: [EC2Permission]) -> [(String, String)] {
        var parameters: [(String, String)] = []
        for (index, permission) in permissions.enumerated() {
            let prefix = "IpPermissions.\(index + 1)"
            parameters.append(("\(prefix).IpProtocol", permission.ipProtocol))
            if let from = permission.fromPort { parameters.append(("\(prefix).FromPort", String(from))) }
            if let to = permission.toPort { parameters.append(("\(prefix).ToPort", String(to))) }
            for (cidrIndex, cidr) in permission.cidrs.enumerated() {
                parameters.append(("\(prefix).IpRanges.\(cidrIndex + 1).CidrIp", cidr))
            }
            for (groupIndex, group) in permission.groupIDs.enumerated() {
                parameters.append(("\(prefix).Groups.\(groupIndex + 1).GroupId", group))
            }
        }
        return parameters
    }
}
