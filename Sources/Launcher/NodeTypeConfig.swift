/// One entry of `available_node_types` (used by `provider: aws`).
package struct NodeTypeConfig: Equatable, Sendable {
    package var name: String
    package var minWorkers: Int
    package var maxWorkers: Int?
    package var resources: [String: Double]
    /// The EC2 RunInstances parameters, kept as written.
    package var nodeConfig: [String: PlainValue]
    package var line: Int

    package init(
        name: String, minWorkers: Int = 0, maxWorkers: Int? = nil, resources: [String: Double] = [:],
        nodeConfig: [String: PlainValue] = [:], line: Int = 0
    ) {
        self.name = name
        self.minWorkers = minWorkers
        self.maxWorkers = maxWorkers
        self.resources = resources
        self.nodeConfig = nodeConfig
        self.line = line
    }

    package var instanceType: String? {
        if case .string(let value) = nodeConfig["InstanceType"] { return value }
        return nil
    }

    /// True when `node_config.InstanceMarketOptions.MarketType` is `spot`.
    package var isSpot: Bool {
        guard case .mapping(let options) = nodeConfig["InstanceMarketOptions"],
            case .string(let market) = options["MarketType"]
        else { return false }
        return market.lowercased() == "spot"
    }
}

/// A YAML value kept as written, for parts of the file grow passes on rather than interprets.
package indirect enum PlainValue: Equatable, Sendable {
    case string(String)
    case list([PlainValue])
    case mapping([String: PlainValue])
    case null
}
