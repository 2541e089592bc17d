/// Where the instance metadata service (IMDS) answers, and whether to ask it at all. Pure: the
/// environment and a file reader come in as arguments.
///
/// - `AWS_EC2_METADATA_DISABLED=true`: never.
/// - `AWS_EC2_METADATA_SERVICE_ENDPOINT` (as boto3 reads it; tests point it at a stand-in): there.
/// - otherwise only on a machine whose firmware says it is an EC2 instance (DMI vendor, board
///   asset tag or hypervisor UUID), at `http://169.254.169.254`: a machine elsewhere never sends
///   a packet to the link-local address, and costs no connect timeout.
package struct InstanceMetadataEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// `scheme://host[:port]`, no trailing slash.
    package var url: String

    package static let awsDefault = InstanceMetadataEndpoint(url: "http://169.254.169.254")

    package init(url: String) {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        self.url = url
    }

    package var description: String { url }

    /// `http://HOST[:PORT]` as a user writes it (a trailing slash is fine); nil for anything
    /// else, so a typo is an error and not a service never found.
    package static func parse(_ text: String) -> InstanceMetadataEndpoint? {
        guard text.hasPrefix("http://") else { return nil }
        var rest = text.dropFirst("http://".count)
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/") else { return nil }
        var host = rest
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else { return nil }
            host = rest[..<colon]
        }
        guard !host.isEmpty, host != "[]" else { return nil }
        return InstanceMetadataEndpoint(url: "http://" + rest)
    }

    package static func resolve(environment: [String: String], readFile: (String) -> String?)
        -> InstanceMetadataEndpoint?
    {
        let env = AWSEnvironment(environment)
        if let disabled = env["AWS_EC2_METADATA_DISABLED"]?.lowercased(), disabled == "true" || disabled == "1" {
            return nil
        }
        if let endpoint = env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] { return InstanceMetadataEndpoint(url: endpoint) }
        return isEC2(readFile: readFile) ? awsDefault : nil
    }

    /// What the firmware of an EC2 instance says of itself (Nitro and Xen instances).
    package static func isEC2(readFile: (String) -> String?) -> Bool {
        func read(_ path: String) -> String { readFile(path)?.trimmingSpaces ?? "" }
        return read("/sys/devices/virtual/dmi/id/sys_vendor") == "Amazon EC2"
            || read("/sys/devices/virtual/dmi/id/board_asset_tag").hasPrefix("i-")
            || read("/sys/hypervisor/uuid").lowercased().hasPrefix("ec2")
    }
}
