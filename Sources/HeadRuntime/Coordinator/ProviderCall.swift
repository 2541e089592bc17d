import Autoscaler

/// A call to the node provider the coordinator asks the shell for; its answer comes back as
/// `HeadInput.autoscaler` with the matching event.
package enum ProviderCall: Sendable, Equatable {
    case launch(request: UInt64, nodeType: String, count: Int)
    case setUp(ProviderNode)
    case terminate(NodeID)
    case stop(NodeID)
    case list
}
