import Autoscaler
import Foundation
import Launcher

/// What `grow-head start --cluster FILE` autoscales with on the head of an aws cluster: the
/// policy from the file's Ray keys, EC2 as the node provider (credentials from the instance
/// profile on EC2) and set-up over SSH from the head. Made once at start; blocking.
package struct EC2HeadAutoscaling: Sendable {
    package var config: AutoscalerConfig
    package var provider: EC2AutoscalingProvider
    package var setup: SSHNodeSetup

    /// `context`: the cluster file `up` left on the head, loaded with `onHead: true`.
    package static func make(context: ClusterContext, home: String, log: @escaping @Sendable (String) -> Void)
        throws(LaunchError) -> EC2HeadAutoscaling
    {
        guard case .aws = context.config.provider else {
            throw LaunchError("\(context.configPath): provider.type is not aws: only EC2 clusters autoscale")
        }
        guard var policy = context.config.autoscalerConfig else {
            throw LaunchError("\(context.configPath): available_node_types: no worker type to scale")
        }
        policy.setsUpNodes = true
        let ec2 = try EC2NodeProvider(
            config: context.config, ec2: EC2NodeProvider.client(config: context.config, log: log), log: log)
        // The head is the running instance tagged as this cluster's head: its private address
        // is where workers join (the head may have no public one).
        guard
            let head = try ec2.instances(kind: .head).first(where: { $0.state == "running" }),
            let headAddress = head.privateIP
        else {
            throw LaunchError(
                "\(context.configPath): no running head instance is tagged for cluster \(context.config.clusterName)")
        }
        let network = try ec2.bootstrap(publicKey: EC2ClusterOperations.publicKey(privateKey: context.privateKey))
        let setup = SSHNodeSetup(
            context: context, headAddress: headAddress,
            options: SetupOptions(binaries: SetupOptions.defaultBinaries(for: context.config)), home: home, log: log)
        return EC2HeadAutoscaling(
            config: policy, provider: EC2AutoscalingProvider(provider: ec2, network: network), setup: setup)
    }
}
