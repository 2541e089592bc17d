/// One entry of `available_node_types` (used by `provider: aws`).
public struct NodeTypeConfig: Equatable, Sendable {
    public var name: String
    public var minWorkers: Int
    public var maxWorkers: Int?
    public var resources: [String: Double]
    /// The EC2 RunInstances parameters, kept as written.
    public var nodeConfig: [String: PlainValue]
    public var line: Int

    public init(
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

    public var instanceType: String? {
        if case .string(let value) = nodeConfig["InstanceType"] { return value }
        return nil
    }

    /// True when `node_config.InstanceMarketOptions.MarketType` is `spot`.
    public var isSpot: Bool {
        guard case .mapping(let options) = nodeConfig["InstanceMarketOptions"],
            case .string(let market) = options["MarketType"]
        else { return false }
        return market.lowercased() == "spot"
    }
}

/// A YAML value kept as written, for parts of the file grow passes on rather than interprets.
public indirect enum PlainValue: Equatable, Sendable {
    case string(String)
    case list([PlainValue])
    case mapping([String: PlainValue])
    case null
}
