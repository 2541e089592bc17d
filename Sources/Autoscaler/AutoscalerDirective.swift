/// What the autoscaler asks the head to do. Provider calls are answered with events.
package enum AutoscalerDirective: Sendable, Equatable {
    /// Start `count` nodes of the type; answer `launched` or `launchFailed` with `request`.
    case launch(request: UInt64, nodeType: String, count: Int)
    /// Set the node up (`NodeSetup`); answer `setUpFinished` or `setUpFailed`.
    case setUp(ProviderNode)
    /// Give the worker no more tiles and tell it to stop once idle; its leaving comes back as
    /// `workerLeft`.
    case drain(worker: String, reason: String)
    /// End the node for good; answer `released` or `releaseFailed`.
    case terminate(node: NodeID)
    /// Stop the node for a later restart; answer `released` or `releaseFailed`.
    case stop(node: NodeID)
    /// Ask the provider for the cluster's nodes; answer `listed` or `listFailed`.
    case list
    /// A line for the head's log.
    case note(AutoscalerNote)
}

/// A line for the head's log, with how much it matters.
package struct AutoscalerNote: Sendable, Hashable, CustomStringConvertible {
    package enum Level: Sendable, Hashable { case info, warning }
    package var level: Level
    package var text: String

    package init(_ level: Level, _ text: String) {
        self.level = level
        self.text = text
    }

    package var description: String { text }
}
