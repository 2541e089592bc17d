import Crypto
import Foundation

/// What a cluster needs in EC2 before its first launch, and what grow creates when the file does
/// not name it, as Ray does: a key pair holding the public half of `auth.ssh_private_key`, a
/// security group (everything from inside the group, SSH from `ssh_cidr`; 6379 and every other
/// port stay closed to the outside), and subnets in the listed zones. Pure decisions; the
/// provider makes the calls.
package enum EC2Bootstrap {
    /// An inbound rule: all traffic from the group itself, or TCP on a port from a range.
    package enum Rule: Equatable, Sendable {
        case withinGroup
        case tcp(port: Int, cidr: String)
    }

    /// `key_pair.key_name`, else one named after the cluster, the region and the key itself (a
    /// different key gets its own pair rather than a pair that does not match it).
    package static func keyPairName(provider: AWSProvider, cluster: String, publicKey: String) -> String {
        if let name = provider.keyPairName { return name }
        let digest = SHA256.hash(data: Data(publicKey.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
        return "grow-\(cluster)-\(provider.region)-\(digest)"
    }

    package static func securityGroupName(provider: AWSProvider, cluster: String) -> String {
        provider.securityGroupName ?? "grow-\(cluster)"
    }

    package static func rules(provider: AWSProvider, sshPort: Int) -> [Rule] {
        [.withinGroup, .tcp(port: sshPort, cidr: provider.sshCIDR)]
    }

    /// A subnet as DescribeSubnets tells it.
    package struct SubnetInfo: Equatable, Sendable {
        package var id: String
        package var zone: String
        package var vpcID: String
        package var mapsPublicIP: Bool
        package var defaultForZone: Bool

        package init(id: String, zone: String, vpcID: String, mapsPublicIP: Bool, defaultForZone: Bool) {
            self.id = id
            self.zone = zone
            self.vpcID = vpcID
            self.mapsPublicIP = mapsPublicIP
            self.defaultForZone = defaultForZone
        }
    }

    /// The subnets to launch in, in the order of `availability_zone` (all zones in name order when
    /// it lists none). Without `use_internal_ips` only subnets that give instances a public
    /// address qualify (this machine must reach them). Ray's way: the default VPC's subnets unless
    /// the node_config lists its own (those are used as listed, in the zones' order).
    package static func orderSubnets(
        _ subnets: [SubnetInfo], zones: [String], useInternalIPs: Bool, listed: [String]?
    ) -> [EC2LaunchPlanner.Subnet] {
        var candidates: [SubnetInfo]
        if let listed {
            candidates = listed.compactMap { id in subnets.first { $0.id == id } }
        } else {
            candidates = subnets.filter { $0.defaultForZone && (useInternalIPs || $0.mapsPublicIP) }
        }
        if !zones.isEmpty { candidates = candidates.filter { zones.contains($0.zone) } }
        let rank = { (zone: String) in zones.firstIndex(of: zone) ?? Int.max }
        let ordered = candidates.enumerated().sorted { left, right in
            let (a, b) = (rank(left.element.zone), rank(right.element.zone))
            if a != b { return a < b }
            if zones.isEmpty, left.element.zone != right.element.zone { return left.element.zone < right.element.zone }
            return left.offset < right.offset
        }
        return ordered.map { EC2LaunchPlanner.Subnet(id: $0.element.id, zone: $0.element.zone) }
    }

    /// `ssh-ed25519 AAAA…` from an OpenSSH private key file (the public key is stored in it), for
    /// keys without a `.pub` beside them.
    package static func publicKey(fromPrivateKey text: String) -> String? {
        guard let begin = text.range(of: "-----BEGIN OPENSSH PRIVATE KEY-----"),
            let end = text.range(of: "-----END OPENSSH PRIVATE KEY-----", range: begin.upperBound..<text.endIndex),
            let data = Data(base64Encoded: String(text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }))
        else { return nil }
        let bytes = Array(data)
        let magic = Array("openssh-key-v1\0".utf8)
        guard bytes.starts(with: magic) else { return nil }
        var offset = magic.count
        func string() -> [UInt8]? {
            guard offset + 4 <= bytes.count else { return nil }
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            offset += 4
            guard offset + length <= bytes.count else { return nil }
            defer { offset += length }
            return Array(bytes[offset..<offset + length])
        }
        // cipher, kdf, kdf options, number of keys, then the first public key blob.
        guard string() != nil, string() != nil, string() != nil, offset + 4 <= bytes.count else { return nil }
        offset += 4
        guard let blob = string(), blob.count > 4 else { return nil }
        let length = blob[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard 4 + length <= blob.count else { return nil }
        let algorithm = String(decoding: blob[4..<4 + length], as: UTF8.self)
        return "\(algorithm) \(Data(blob).base64EncodedString())"
    }
}
