import AWSCore
import Foundation
import Launcher

/// The EC2 side of a `provider: type: aws` cluster: bootstraps the key pair, security group and
/// subnets, launches nodes where `EC2LaunchPlanner` says (falling back across zones and worker
/// types), waits for them to run, and finds, stops or terminates them by their tags only.
/// Blocking; the EC2 client retries throttling and EC2's eventual consistency underneath.
package final class EC2NodeProvider: Sendable {
    package let ec2: EC2Client
    package let config: ClusterConfig
    package let aws: AWSProvider
    private let log: @Sendable (String) -> Void

    /// The resources every launch uses, found or made by `bootstrap`.
    package struct Network: Sendable, Equatable {
        /// nil when every node type names its own KeyName.
        package var keyName: String?
        /// Empty when every node type names its own SecurityGroupIds.
        package var securityGroupIDs: [String]
        /// Each node type's subnets, in the order to try them.
        package var subnets: [String: [EC2LaunchPlanner.Subnet]]
    }

    package init(config: ClusterConfig, ec2: EC2Client, log: @escaping @Sendable (String) -> Void = { _ in })
        throws(LaunchError)
    {
        guard case .aws(let aws) = config.provider else {
            throw LaunchError("\(config.source): provider.type is \(config.provider.typeName), not aws")
        }
        self.ec2 = ec2
        self.config = config
        self.aws = aws
        self.log = log
    }

    /// An EC2 client for the file's region, with the endpoint and credentials the AWS CLI would
    /// use (`AWS_ENDPOINT_URL_EC2`, profiles, the instance profile on EC2).
    package static func client(
        config: ClusterConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
        log: (@Sendable (String) -> Void)? = nil
    ) throws(LaunchError) -> EC2Client {
        guard case .aws(let aws) = config.provider else {
            throw LaunchError("\(config.source): provider.type is \(config.provider.typeName), not aws")
        }
        do {
            let service = try AWSServiceConfig.resolve(
                service: "ec2", hostPrefix: "ec2", region: aws.region, environment: environment,
                readFile: { try? String(contentsOfFile: $0, encoding: .utf8) })
            return EC2Client(config: service, log: log)
        } catch {
            throw LaunchError("\(config.source): provider: \(error)")
        }
    }

    package var headType: NodeTypeConfig? { config.availableNodeTypes.first { $0.name == config.headNodeType } }
    /// Worker types in the file's order.
    package var workerTypes: [NodeTypeConfig] { config.availableNodeTypes.filter { $0.name != config.headNodeType } }

    // MARK: Bootstrap

    /// Finds or makes the subnets, security group and key pair (`EC2Bootstrap`).
    /// `publicKey`: the public half of auth.ssh_private_key (`ssh-ed25519 AAAA…`).
    package func bootstrap(publicKey: String?) throws(LaunchError) -> Network {
        let described = try aws { () throws(AWSError) in try ec2.describeSubnets() }
        let infos = described.map {
            EC2Bootstrap.SubnetInfo(
                id: $0.id, zone: $0.zone, vpcID: $0.vpcID, mapsPublicIP: $0.mapsPublicIP,
                defaultForZone: $0.defaultForZone)
        }
        var subnets: [String: [EC2LaunchPlanner.Subnet]] = [:]
        for type in config.availableNodeTypes {
            let listed = stringList(type.nodeConfig["SubnetIds"]) ?? stringList(type.nodeConfig["SubnetId"])
            let ordered = EC2Bootstrap.orderSubnets(
                infos, zones: aws.availabilityZones, useInternalIPs: aws.useInternalIPs, listed: listed)
            guard !ordered.isEmpty else {
                let zones = aws.availabilityZones.isEmpty ? "any zone" : aws.availabilityZones.joined(separator: ", ")
                throw LaunchError(
                    "\(config.source):\(type.line): available_node_types.\(type.name): no subnet to launch in (\(zones))"
                        + (listed == nil
                            ? (aws.useInternalIPs
                                ? ""
                                : "; only default subnets that give public addresses qualify without use_internal_ips")
                            : ": SubnetIds not found in \(aws.region) or not in those zones"))
            }
            subnets[type.name] = ordered
        }
        var network = Network(keyName: nil, securityGroupIDs: [], subnets: subnets)
        let headSubnet = headType.flatMap { subnets[$0.name]?.first } ?? subnets.values.first?.first
        let vpc = described.first { $0.id == headSubnet?.id }?.vpcID

        if config.availableNodeTypes.contains(where: { $0.nodeConfig["SecurityGroupIds"] == nil }), let vpc {
            network.securityGroupIDs = [try securityGroup(vpc: vpc)]
        }
        if config.availableNodeTypes.contains(where: { $0.nodeConfig["KeyName"] == nil }) {
            guard let publicKey else {
                throw LaunchError(
                    "\(config.source): auth.ssh_private_key: no public key found to import as an EC2 key pair (put the .pub next to it)"
                )
            }
            network.keyName = try keyPair(publicKey: publicKey)
        }
        return network
    }

    /// The cluster's group in `vpc`, created when missing, with grow's rules and the file's
    /// IpPermissions added when missing.
    func securityGroup(vpc: String) throws(LaunchError) -> String {
        let name = EC2Bootstrap.securityGroupName(provider: aws, cluster: config.clusterName)
        let existing = try aws { () throws(AWSError) in
            try ec2.describeSecurityGroups(filters: [EC2Filter("group-name", [name]), EC2Filter("vpc-id", [vpc])])
        }
        var group: EC2SecurityGroup
        if let found = existing.first {
            group = found
        } else {
            let id = try aws { () throws(AWSError) in
                try ec2.createSecurityGroup(
                    name: name,
                    description: "grow cluster \(config.clusterName) (SSH from \(aws.sshCIDR), all within the group)",
                    vpcID: vpc)
            }
            log("created security group \(name) (\(id)) in \(vpc)")
            group = EC2SecurityGroup(id: id, name: name, vpcID: vpc)
        }
        let wanted = EC2Bootstrap.rules(provider: aws, sshPort: config.auth.sshPort).map { rule -> EC2Permission in
            switch rule {
            case .withinGroup: EC2Permission(ipProtocol: "-1", groupIDs: [group.id])
            case .tcp(let port, let cidr): EC2Permission(ipProtocol: "tcp", fromPort: port, toPort: port, cidrs: [cidr])
            }
        }
        let missing = wanted.filter { rule in !group.inbound.contains { $0.covers(rule) } }
        if !missing.isEmpty {
            try aws { () throws(AWSError) in
                try ec2.authorizeSecurityGroupIngress(groupID: group.id, permissions: missing)
            }
        }
        if let extra = aws.securityGroupPermissions {
            do throws(AWSError) {
                _ = try ec2.call(
                    "AuthorizeSecurityGroupIngress",
                    [("GroupId", group.id)] + EC2QueryParameters.flatten(extra, prefix: "IpPermissions"),
                    retryCodes: ["InvalidGroup.NotFound"])
            } catch  where error.code == "InvalidPermission.Duplicate" {
                // Already there from an earlier up.
            } catch {
                throw LaunchError("\(config.source): provider.security_group.IpPermissions: \(error)")
            }
        }
        return group.id
    }

    /// The key pair for the auth key, imported when missing.
    func keyPair(publicKey: String) throws(LaunchError) -> String {
        let name = EC2Bootstrap.keyPairName(provider: aws, cluster: config.clusterName, publicKey: publicKey)
        let found = try aws { () throws(AWSError) in try ec2.describeKeyPairs(names: [name]) }
        if found.isEmpty {
            _ = try aws { () throws(AWSError) in try ec2.importKeyPair(name: name, publicKey: publicKey) }
            log("imported key pair \(name)")
        }
        return name
    }

    // MARK: Nodes

    /// The cluster's instances that are not terminated (or terminating), by tags only; of one
    /// kind when given.
    package func instances(kind: NodeIdentity.Role? = nil) throws(LaunchError) -> [EC2Instance] {
        let filters =
            EC2NodeTags.filters(cluster: config.clusterName, kind: kind).map { EC2Filter($0.name, $0.values) }
            + [EC2Filter("instance-state-name", ["pending", "running", "stopping", "stopped"])]
        return try aws { () throws(AWSError) in try ec2.describeInstances(filters: filters) }.filter(\.isLive)
    }

    /// Launches `count` nodes for `typeName` (the planner may put them on the next worker type
    /// when this one has no capacity); returns them as RunInstances describes them.
    package func launch(
        typeName: String, kind: NodeIdentity.Role, count: Int, network: Network, planner: inout EC2LaunchPlanner,
        allowed: (String) -> Bool = { _ in true }
    ) throws(LaunchError) -> [EC2Instance] {
        while true {
            let now = Date().timeIntervalSince1970
            switch planner.next(wanting: typeName, now: now, allowed: allowed) {
            case .wait(let seconds):
                Thread.sleep(forTimeInterval: seconds)
            case .exhausted(let why):
                throw LaunchError("\(config.source): cannot launch \(kind) \(typeName): \(why)")
            case .launch(let attempt):
                guard let type = config.availableNodeTypes.first(where: { $0.name == attempt.typeName }) else {
                    throw LaunchError("\(config.source): no node type \(attempt.typeName)")
                }
                let hash = EC2NodeTags.launchHash(nodeConfig: type.nodeConfig, kind: kind)
                let request = EC2LaunchRequest(
                    nodeConfig: type.nodeConfig, count: count, subnetID: attempt.subnet.id,
                    securityGroupIDs: network.securityGroupIDs, keyName: network.keyName,
                    tags: EC2NodeTags.tags(cluster: config.clusterName, kind: kind, type: type.name, launchHash: hash),
                    onDemand: kind == .head, clientToken: UUID().uuidString)
                do throws(AWSError) {
                    let launched = try ec2.runInstances(request.parameters)
                    _ = planner.record(attempt, code: nil, message: "", now: now)
                    log(
                        "launched \(launched.count) \(kind) \(type.name) in \(attempt.subnet.zone): \(launched.map(\.id).joined(separator: ", "))"
                    )
                    return launched
                } catch {
                    guard let code = error.code else { throw LaunchError("\(config.source): \(error)") }
                    switch planner.record(attempt, code: code, message: error.description, now: now) {
                    case .tryNext:
                        log("\(type.name) in \(attempt.subnet.zone): \(code); trying elsewhere")
                    case .backOff(let seconds):
                        log("\(type.name): \(code); backing off \(String(format: "%.1f", seconds)) s")
                    case .stop(let line):
                        throw LaunchError("\(config.source): \(line)")
                    }
                }
            }
        }
    }

    /// Polls until every instance runs and has the address grow logs in to (public, or private
    /// with use_internal_ips); fails when one ends or `timeout` seconds pass.
    package func waitUntilRunning(_ ids: [String], timeout: Double = 600) throws(LaunchError) -> [EC2Instance] {
        guard !ids.isEmpty else { return [] }
        let deadline = Date().addingTimeInterval(timeout)
        var pause = 0.5
        while true {
            let found = try aws { () throws(AWSError) in try ec2.describeInstances(ids: ids) }
            if let ended = found.first(where: { !$0.isLive }) {
                throw LaunchError("\(config.source): instance \(ended.id) is \(ended.state) before it ran")
            }
            if found.count == ids.count, found.allSatisfy({ $0.state == "running" && address($0) != nil }) {
                return ids.compactMap { id in found.first { $0.id == id } }
            }
            guard Date() < deadline else {
                let waiting = found.filter { $0.state != "running" || address($0) == nil }.map {
                    "\($0.id) (\($0.state))"
                }
                throw LaunchError(
                    "\(config.source): instances not running after \(Int(timeout)) s: \(waiting.joined(separator: ", "))"
                )
            }
            Thread.sleep(forTimeInterval: pause)
            pause = min(pause * 2, 5)
        }
    }

    /// The address this machine logs in to.
    package func address(_ instance: EC2Instance) -> String? {
        aws.useInternalIPs ? instance.privateIP : instance.publicIP
    }

    package func terminate(_ ids: [String]) throws(LaunchError) {
        _ = try aws { () throws(AWSError) in try ec2.terminateInstances(ids) }
    }

    package func stop(_ ids: [String]) throws(LaunchError) {
        _ = try aws { () throws(AWSError) in try ec2.stopInstances(ids) }
    }

    package func start(_ ids: [String]) throws(LaunchError) {
        _ = try aws { () throws(AWSError) in try ec2.startInstances(ids) }
    }

    /// AWS's error as the launcher's one line.
    func aws<T>(_ body: () throws(AWSError) -> T) throws(LaunchError) -> T {
        do {
            return try body()
        } catch {
            throw LaunchError("\(config.source): \(error)")
        }
    }

    func stringList(_ value: PlainValue?) -> [String]? {
        switch value {
        case .list(let items): items.compactMap { if case .string(let text) = $0 { text } else { nil } }
        case .string(let text): [text]
        default: nil
        }
    }
}
