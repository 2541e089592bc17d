import Foundation
import Yams

/// Reads a cluster.yaml (Ray's format) into a `ClusterConfig`: every key Ray knows is read and
/// checked; a mistake is one `ConfigDiagnostic` naming the file, the line and the key; keys
/// neither Ray nor grow know become warnings, so a typo is never silently dropped.
package enum ClusterConfigParser {
    package struct Result: Sendable {
        package var config: ClusterConfig
        package var warnings: [ConfigDiagnostic]
    }

    static let topLevelKeys: Set<String> = [
        "cluster_name", "max_workers", "min_workers", "upscaling_speed", "idle_timeout_minutes", "provider", "auth",
        "docker", "available_node_types", "head_node_type", "file_mounts", "cluster_synced_files",
        "file_mounts_sync_continuously", "rsync_exclude", "rsync_filter", "initialization_commands",
        "setup_commands", "head_setup_commands", "worker_setup_commands", "head_start_ray_commands",
        "worker_start_ray_commands", "head_start_commands", "worker_start_commands", "head_node", "worker_nodes",
        "initial_workers", "autoscaling_mode", "target_utilization_fraction", "no_restart",
    ]
    static let localProviderKeys: Set<String> = [
        "type", "head_ip", "worker_ips", "external_head_ip", "coordinator_address",
    ]
    static let awsProviderKeys: Set<String> = [
        "type", "region", "availability_zone", "cache_stopped_nodes", "use_internal_ips", "security_group",
        "key_pair", "use_external_head_ip", "disable_launch_config_check", "cloudwatch", "ssh_cidr",
    ]
    /// The RunInstances parameters grow passes on; any other key in a node_config is an error
    /// (a misspelt key would otherwise launch a different machine than the file says).
    static let nodeConfigKeys: Set<String> = [
        "InstanceType", "ImageId", "KeyName", "SubnetIds", "SubnetId", "SecurityGroupIds", "IamInstanceProfile",
        "InstanceMarketOptions", "BlockDeviceMappings", "TagSpecifications", "UserData", "MetadataOptions",
    ]
    static let authKeys: Set<String> = ["ssh_user", "ssh_private_key", "ssh_port", "ssh_proxy_command"]
    static let dockerKeys: Set<String> = [
        "image", "head_image", "worker_image", "container_name", "pull_before_run", "run_options",
        "head_run_options", "worker_run_options", "disable_automatic_runtime_detection", "disable_shm_size_detection",
        "use_podman",
    ]
    static let nodeTypeKeys: Set<String> = [
        "node_config", "min_workers", "max_workers", "resources", "labels", "worker_setup_commands", "docker",
    ]

    package static func parse(yaml text: String, file: String) throws(ConfigDiagnostic) -> Result {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigDiagnostic(file: file, line: 0, key: "", message: "the file is empty")
            }
            root = node
        } catch let diagnostic as ConfigDiagnostic {
            throw diagnostic
        } catch let error as YamlError {
            throw yamlSyntaxError(error, file: file)
        } catch {
            throw ConfigDiagnostic(file: file, line: 0, key: "", message: "not valid YAML: \(error)")
        }
        var parser = Parser(file: file)
        let config = try parser.read(YAMLValue(node: root, path: "", file: file))
        return Result(config: config, warnings: parser.warnings)
    }

    static func yamlSyntaxError(_ error: YamlError, file: String) -> ConfigDiagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ConfigDiagnostic(file: file, line: mark.line, key: "", message: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigDiagnostic(
                file: file, line: context.mark.line, key: duplicates.joined(separator: ", "),
                message: "the key appears twice")
        default:
            return ConfigDiagnostic(file: file, line: 0, key: "", message: "not valid YAML: \(error)")
        }
    }

    /// Walks the document; collects warnings as it goes.
    struct Parser {
        let file: String
        var warnings: [ConfigDiagnostic] = []

        init(file: String) { self.file = file }

        mutating func warnUnknown(_ entries: [(key: String, value: YAMLValue)], known: Set<String>, section: String) {
            for (key, value) in entries where !known.contains(key) {
                let place = section.isEmpty ? "" : " in \(section)"
                warnings.append(value.error("unknown key\(place), ignored (is it misspelt?)"))
            }
        }

        mutating func read(_ root: YAMLValue) throws(ConfigDiagnostic) -> ClusterConfig {
            let entries = try root.mapping()
            warnUnknown(entries, known: ClusterConfigParser.topLevelKeys, section: "")
            let value = { (key: String) -> YAMLValue? in entries.first { $0.key == key }?.value }

            let clusterName =
                try value("cluster_name").map { v throws(ConfigDiagnostic) in try v.string() } ?? "default"
            if clusterName.isEmpty
                || !clusterName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
            {
                throw (value("cluster_name") ?? root).error(
                    "\"\(clusterName)\" must be letters, digits, '-', '_' or '.' (it names folders and containers)")
            }
            guard let providerValue = value("provider"), !providerValue.isNull else {
                throw ConfigDiagnostic(
                    file: file, line: 0, key: "provider",
                    message: "missing: add a provider section (type: local with head_ip and worker_ips, or type: aws)")
            }
            let provider = try readProvider(providerValue)
            guard let authValue = value("auth"), !authValue.isNull else {
                throw ConfigDiagnostic(
                    file: file, line: 0, key: "auth", message: "missing: add auth with ssh_user and ssh_private_key")
            }
            var config = ClusterConfig(
                source: file, clusterName: clusterName, provider: provider, auth: try readAuth(authValue))
            if let v = value("max_workers") {
                let n = try v.int()
                guard n >= 0 else { throw v.error("must be 0 or more") }
                config.maxWorkers = n
            }
            if let v = value("upscaling_speed") {
                config.upscalingSpeed = try v.double()
                guard config.upscalingSpeed > 0 else { throw v.error("must be greater than 0") }
            }
            if let v = value("idle_timeout_minutes") {
                config.idleTimeoutMinutes = try v.double()
                guard config.idleTimeoutMinutes >= 0 else { throw v.error("must be 0 or more") }
            }
            if let v = value("docker") { config.docker = try readDocker(v) }
            if let v = value("available_node_types") {
                var isAWS = false
                if case .aws = provider { isAWS = true }
                config.availableNodeTypes = try readNodeTypes(v, requireInstanceKeys: isAWS)
            }
            if let v = value("head_node_type") {
                let name = try v.string()
                guard config.availableNodeTypes.contains(where: { $0.name == name }) else {
                    let known = config.availableNodeTypes.map(\.name).joined(separator: ", ")
                    throw v.error("\"\(name)\" is not one of available_node_types (\(known.isEmpty ? "none" : known))")
                }
                config.headNodeType = name
            }
            if case .aws = provider {
                if config.availableNodeTypes.isEmpty {
                    throw ConfigDiagnostic(
                        file: file, line: value("available_node_types")?.line ?? 0, key: "available_node_types",
                        message:
                            "missing: an aws cluster launches the node types listed here (a head type and worker types)"
                    )
                }
                if config.headNodeType == nil {
                    throw ConfigDiagnostic(
                        file: file, line: 0, key: "head_node_type",
                        message: "missing: name which of available_node_types is the head")
                }
                if let maxWorkers = config.maxWorkers {
                    let floor = config.availableNodeTypes.filter { $0.name != config.headNodeType }
                        .reduce(0) { $0 + $1.minWorkers }
                    if floor > maxWorkers, let v = value("max_workers") {
                        throw v.error("is \(maxWorkers) but the node types' min_workers add up to \(floor)")
                    }
                }
            }
            if let v = value("file_mounts") { config.fileMounts = try readFileMounts(v) }
            if let v = value("cluster_synced_files") { config.clusterSyncedFiles = try v.stringList() }
            if let v = value("file_mounts_sync_continuously") { config.fileMountsSyncContinuously = try v.bool() }
            if let v = value("rsync_exclude") { config.rsyncExclude = try v.stringList() }
            if let v = value("rsync_filter") { config.rsyncFilter = try v.stringList() }
            config.initializationCommands = try commands(value("initialization_commands"))
            config.setupCommands = try commands(value("setup_commands"))
            config.headSetupCommands = try commands(value("head_setup_commands"))
            config.workerSetupCommands = try commands(value("worker_setup_commands"))
            config.headStartCommands = try startCommands(
                value("head_start_commands"), ray: value("head_start_ray_commands"), root: root, role: "head")
            config.workerStartCommands = try startCommands(
                value("worker_start_commands"), ray: value("worker_start_ray_commands"), root: root, role: "worker")
            config.startCommandsUseRayKeys =
                value("head_start_commands") == nil && value("worker_start_commands") == nil
                && (value("head_start_ray_commands") != nil || value("worker_start_ray_commands") != nil)
            for legacy in ["head_node", "worker_nodes"] {
                if let v = value(legacy), !(try v.mapping()).isEmpty {
                    warnings.append(v.error("Ray's legacy per-node settings are ignored; use available_node_types"))
                }
            }
            return config
        }

        func commands(_ value: YAMLValue?) throws(ConfigDiagnostic) -> [String] {
            guard let value else { return [] }
            var result: [String] = []
            for item in try value.sequence() {
                let command = try item.scalarText()
                guard !command.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw item.error("is an empty command")
                }
                result.append(command)
            }
            return result
        }

        mutating func startCommands(_ grow: YAMLValue?, ray: YAMLValue?, root: YAMLValue, role: String)
            throws(ConfigDiagnostic) -> [String]
        {
            if let grow, let ray, !(try commands(grow)).isEmpty, !(try commands(ray)).isEmpty {
                throw grow.error("set either \(role)_start_commands or \(role)_start_ray_commands, not both")
            }
            let chosen = (try grow.map { v throws(ConfigDiagnostic) in try commands(v) }) ?? []
            let list = chosen.isEmpty ? (try ray.map { v throws(ConfigDiagnostic) in try commands(v) } ?? []) : chosen
            if let source = chosen.isEmpty ? ray : grow {
                for item in try source.sequence() where (try item.scalarText()).contains("ray start") {
                    warnings.append(
                        item.error(
                            "runs `ray start`: grow does not run Ray; start grow-head/grow-worker instead (docs/cluster.md)"
                        ))
                }
            }
            return list
        }

        mutating func readProvider(_ value: YAMLValue) throws(ConfigDiagnostic) -> ProviderConfig {
            let entries = try value.mapping()
            let field = { (key: String) -> YAMLValue? in entries.first { $0.key == key }?.value }
            guard let typeValue = field("type") else {
                throw value.error("missing type: local (machines you name) or aws")
            }
            let type = try typeValue.string()
            switch type {
            case "local":
                warnUnknown(entries, known: ClusterConfigParser.localProviderKeys, section: "provider (type local)")
                guard let headValue = field("head_ip") else {
                    throw value.error("missing head_ip: the address of the head node")
                }
                let head = try address(headValue)
                var workers: [String] = []
                if let list = field("worker_ips") {
                    for item in try list.sequence() {
                        let worker = try address(item)
                        if worker == head { throw item.error("\(worker) is the head_ip too") }
                        if workers.contains(worker) { throw item.error("\(worker) is listed twice") }
                        workers.append(worker)
                    }
                }
                let external = try field("external_head_ip").map { v throws(ConfigDiagnostic) in try address(v) }
                return .local(LocalProvider(headIP: head, workerIPs: workers, externalHeadIP: external))
            case "aws":
                guard let regionValue = field("region") else { throw value.error("missing region, e.g. eu-central-1") }
                let region = try regionValue.string()
                guard isRegion(region) else {
                    throw regionValue.error("\"\(region)\" is not an AWS region name (e.g. eu-central-1)")
                }
                warnUnknown(entries, known: ClusterConfigParser.awsProviderKeys, section: "provider (type aws)")
                var zones: [String] = []
                if let zoneValue = field("availability_zone") {
                    // Ray writes one comma-separated string; a YAML list says the same.
                    let written: [String]
                    if case .sequence = zoneValue.node {
                        written = try zoneValue.stringList()
                    } else {
                        written = try zoneValue.string().split(separator: ",").map(String.init)
                    }
                    zones = written.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    for zone in zones where !(zone.hasPrefix(region) && zone.count > region.count) {
                        throw zoneValue.error("\"\(zone)\" is not an availability zone of \(region) (e.g. \(region)a)")
                    }
                    if Set(zones).count != zones.count { throw zoneValue.error("names a zone twice") }
                }
                var aws = AWSProvider(region: region, availabilityZones: zones)
                if let v = field("cache_stopped_nodes") { aws.cacheStoppedNodes = try v.bool() }
                if let v = field("use_internal_ips") { aws.useInternalIPs = try v.bool() }
                if let group = field("security_group"), !group.isNull {
                    let groupFields = try group.mapping()
                    for (key, item) in groupFields where key != "GroupName" && key != "IpPermissions" {
                        throw item.error("unknown key in security_group (GroupName, IpPermissions)")
                    }
                    if let name = groupFields.first(where: { $0.key == "GroupName" })?.value {
                        aws.securityGroupName = try name.string()
                    }
                    if let rules = groupFields.first(where: { $0.key == "IpPermissions" })?.value {
                        guard case .sequence = rules.node else { throw rules.error("expected a list of rules") }
                        aws.securityGroupPermissions = try plain(rules)
                    }
                }
                if let pair = field("key_pair"), !pair.isNull {
                    for (key, item) in try pair.mapping() {
                        guard key == "key_name" else { throw item.error("unknown key in key_pair (key_name)") }
                        aws.keyPairName = try item.string()
                    }
                }
                if let v = field("ssh_cidr") {
                    let cidr = try v.string()
                    guard isCIDR(cidr) else { throw v.error("\"\(cidr)\" is not an IPv4 range such as 203.0.113.0/24") }
                    aws.sshCIDR = cidr
                }
                return .aws(aws)
            default:
                throw typeValue.error("\"\(type)\" is not supported: grow knows local and aws")
            }
        }

        func isCIDR(_ text: String) -> Bool {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let bits = Int(parts[1]), (0...32).contains(bits) else { return false }
            let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
            return octets.count == 4 && octets.allSatisfy { UInt8($0) != nil }
        }

        func isRegion(_ text: String) -> Bool {
            let parts = text.split(separator: "-")
            return parts.count >= 3 && parts.last.map { $0.allSatisfy(\.isNumber) } == true
                && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        }

        func address(_ value: YAMLValue) throws(ConfigDiagnostic) -> String {
            let text = try value.string().trimmingCharacters(in: .whitespaces)
            if let problem = NodeAddress.problem(with: text) { throw value.error(problem) }
            return text
        }

        mutating func readAuth(_ value: YAMLValue) throws(ConfigDiagnostic) -> AuthConfig {
            let entries = try value.mapping()
            warnUnknown(entries, known: ClusterConfigParser.authKeys, section: "auth")
            let field = { (key: String) -> YAMLValue? in entries.first { $0.key == key }?.value }
            guard let userValue = field("ssh_user") else { throw value.error("missing ssh_user") }
            let user = try userValue.string()
            guard !user.isEmpty, !user.contains(where: { $0.isWhitespace || $0 == "@" }) else {
                throw userValue.error("\"\(user)\" is not a user name")
            }
            var key: String?
            var keyLine = 0
            if let keyValue = field("ssh_private_key") {
                let path = try keyValue.string().trimmingCharacters(in: .whitespaces)
                if path.isEmpty || path.hasPrefix("<") {
                    throw keyValue.error("put the path of your private key file here (e.g. ~/.ssh/id_ed25519)")
                }
                key = path
                keyLine = keyValue.line
            }
            var port = 22
            if let portValue = field("ssh_port") {
                port = try portValue.int()
                guard (1...65535).contains(port) else { throw portValue.error("must be a port number 1-65535") }
            }
            return AuthConfig(sshUser: user, sshPrivateKey: key, sshPort: port, privateKeyLine: keyLine)
        }

        mutating func readDocker(_ value: YAMLValue) throws(ConfigDiagnostic) -> DockerConfig? {
            let entries = try value.mapping()
            warnUnknown(entries, known: ClusterConfigParser.dockerKeys, section: "docker")
            let field = { (key: String) -> YAMLValue? in entries.first { $0.key == key }?.value }
            let optional = { (key: String) throws(ConfigDiagnostic) -> String? in
                guard let v = field(key), !v.isNull else { return nil }
                let text = try v.string()
                return text.isEmpty ? nil : text
            }
            let image = try optional("image")
            let headImage = try optional("head_image")
            let workerImage = try optional("worker_image")
            let container = try optional("container_name")
            // Ray: no image and no container name means docker is off.
            if image == nil, headImage == nil, workerImage == nil, container == nil { return nil }
            guard image != nil || (headImage != nil && workerImage != nil) else {
                throw value.error("needs image (or both head_image and worker_image)")
            }
            guard let container else { throw value.error("needs container_name") }
            guard container.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw (field("container_name") ?? value).error("\"\(container)\" is not a valid container name")
            }
            let list = { (key: String) throws(ConfigDiagnostic) -> [String] in
                try field(key).map { v throws(ConfigDiagnostic) in try v.stringList() } ?? []
            }
            return DockerConfig(
                image: image, containerName: container,
                pullBeforeRun: try field("pull_before_run").map { v throws(ConfigDiagnostic) in try v.bool() } ?? true,
                runOptions: try list("run_options"), headImage: headImage, workerImage: workerImage,
                headRunOptions: try list("head_run_options"), workerRunOptions: try list("worker_run_options"),
                usePodman: try field("use_podman").map { v throws(ConfigDiagnostic) in try v.bool() } ?? false)
        }

        /// `requireInstanceKeys`: the provider launches from these (aws), so InstanceType and ImageId must be there.
        mutating func readNodeTypes(_ value: YAMLValue, requireInstanceKeys: Bool) throws(ConfigDiagnostic)
            -> [NodeTypeConfig]
        {
            var types: [NodeTypeConfig] = []
            for (name, entry) in try value.mapping() {
                let fields = try entry.mapping()
                warnUnknown(fields, known: ClusterConfigParser.nodeTypeKeys, section: "available_node_types.\(name)")
                let field = { (key: String) -> YAMLValue? in fields.first { $0.key == key }?.value }
                var type = NodeTypeConfig(name: name, line: entry.line)
                if let v = field("min_workers") {
                    type.minWorkers = try v.int()
                    guard type.minWorkers >= 0 else { throw v.error("must be 0 or more") }
                }
                if let v = field("max_workers") {
                    let n = try v.int()
                    guard n >= type.minWorkers else {
                        throw v.error("is \(n), less than min_workers (\(type.minWorkers))")
                    }
                    type.maxWorkers = n
                }
                if let v = field("resources") {
                    for (resource, amount) in try v.mapping() { type.resources[resource] = try amount.double() }
                }
                guard let nodeConfig = field("node_config") else {
                    throw entry.error("missing node_config (InstanceType, ImageId, ...)")
                }
                guard case .mapping(let config) = try plain(nodeConfig) else {
                    throw nodeConfig.error("expected a mapping of EC2 RunInstances parameters")
                }
                type.nodeConfig = config
                let nodeFields = try nodeConfig.mapping()
                for (key, item) in nodeFields where !ClusterConfigParser.nodeConfigKeys.contains(key) {
                    throw item.error(
                        "unknown node_config key: grow passes on InstanceType, ImageId, KeyName, SubnetIds, SecurityGroupIds, IamInstanceProfile, InstanceMarketOptions, BlockDeviceMappings, TagSpecifications, UserData, MetadataOptions"
                    )
                }
                for required in ["InstanceType", "ImageId"] where requireInstanceKeys {
                    guard let item = nodeFields.first(where: { $0.key == required })?.value else {
                        throw nodeConfig.error("missing \(required)")
                    }
                    guard case .scalar = item.node, !(try item.string()).isEmpty else {
                        throw item.error(
                            "expected the \(required == "ImageId" ? "AMI ID (ami-...)" : "instance type (e.g. c5.large)")"
                        )
                    }
                }
                for listKey in ["SubnetIds", "SecurityGroupIds"] {
                    if let item = nodeFields.first(where: { $0.key == listKey })?.value {
                        guard case .sequence = item.node, !(try item.sequence()).isEmpty else {
                            throw item.error("expected a list of IDs")
                        }
                    }
                }
                if let market = nodeFields.first(where: { $0.key == "InstanceMarketOptions" })?.value {
                    let options = try market.mapping()
                    guard let typeValue = options.first(where: { $0.key == "MarketType" })?.value else {
                        throw market.error("missing MarketType (spot)")
                    }
                    let marketType = try typeValue.string()
                    guard marketType.lowercased() == "spot" else {
                        throw typeValue.error("\"\(marketType)\" is not an EC2 market type (spot)")
                    }
                }
                types.append(type)
            }
            return types
        }

        func readFileMounts(_ value: YAMLValue) throws(ConfigDiagnostic) -> [FileMount] {
            var mounts: [FileMount] = []
            for (remote, local) in try value.mapping() {
                let path = try local.string()
                guard !remote.isEmpty, !path.isEmpty else { throw local.error("needs a remote and a local path") }
                guard remote.hasPrefix("/") || remote.hasPrefix("~") else {
                    throw local.error("the remote path must be absolute or start with ~/")
                }
                mounts.append(FileMount(remote: remote, local: path, line: local.line))
            }
            return mounts
        }

        func plain(_ value: YAMLValue) throws(ConfigDiagnostic) -> PlainValue {
            switch value.node {
            case .scalar: return value.isNull ? .null : .string(try value.scalarText())
            case .sequence:
                var items: [PlainValue] = []
                for item in try value.sequence() { items.append(try plain(item)) }
                return .list(items)
            case .mapping:
                var result: [String: PlainValue] = [:]
                for (key, item) in try value.mapping() { result[key] = try plain(item) }
                return .mapping(result)
            case .alias:
                throw value.error("YAML aliases are not supported here")
            }
        }
    }
}
