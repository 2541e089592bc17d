import AWSCore
import Foundation
import Launcher

/// `up`, `down` and the node list of a `provider: type: aws` cluster: instances are launched,
/// found (by tags only), stopped and terminated through `EC2NodeProvider`; once they run, `up`
/// sets them up over SSH exactly as it does machines named in the file.
package enum EC2ClusterOperations {
    /// Bootstraps the network, starts or launches the head (on-demand), brings every worker type
    /// to its min_workers (restarting stopped ones first with cache_stopped_nodes), waits for them
    /// to run, then sets them up: the head first, then the workers.
    package static func up(
        context: ClusterContext, options: SetupOptions, board: ProgressBoard, home: String, provider: EC2NodeProvider
    ) throws(LaunchError) -> ClusterOperations.Outcome {
        let config = context.config
        guard let headType = provider.headType else {
            throw LaunchError("\(context.configPath): head_node_type: missing")
        }
        let network = try provider.bootstrap(publicKey: publicKey(privateKey: context.privateKey))
        if !config.headStartCommands.contains(where: { $0.contains("--cluster") }) {
            board.print(
                "warning: \(config.startCommandsKey(.head)) do not pass `grow-head start --cluster \(NodeCommands.clusterFile)`: the head will not scale the workers"
            )
        }

        // The head: one, on-demand, found by its tags.
        var heads = try provider.instances(kind: .head).sorted { ($0.launchTime ?? 0) < ($1.launchTime ?? 0) }
        if heads.count > 1 {
            board.print("warning: \(heads.count) heads are tagged for \(config.clusterName); using \(heads[0].id)")
        }
        if heads.isEmpty {
            var planner = EC2LaunchPlanner(typeOrder: [headType.name], subnets: network.subnets)
            heads = try provider.launch(
                typeName: headType.name, kind: .head, count: 1, network: network, planner: &planner)
        } else if heads[0].state == "stopped" || heads[0].state == "stopping" {
            try provider.start([heads[0].id])
            board.print("starting the stopped head \(heads[0].id)")
        }
        let head = heads[0]
        let wantedHash = EC2NodeTags.launchHash(nodeConfig: headType.nodeConfig, kind: .head)
        if let hash = head.tags[EC2NodeTags.launchHash], hash != wantedHash {
            board.print(
                "warning: head \(head.id) was launched from another node_config (\(hash), the file's is \(wantedHash)); `down` and `up` to launch it anew"
            )
        }

        // The workers: each type up to its min_workers.
        var workers = try provider.instances(kind: .worker)
        var counts: [String: Int] = [:]
        for worker in workers { counts[worker.tags[EC2NodeTags.type] ?? "", default: 0] += 1 }
        var planner = EC2LaunchPlanner(typeOrder: provider.workerTypes.map(\.name), subnets: network.subnets)
        let maxOf = { (name: String) -> Int in
            config.availableNodeTypes.first { $0.name == name }?.maxWorkers ?? Int.max
        }
        for type in provider.workerTypes {
            let live = workers.filter { $0.tags[EC2NodeTags.type] == type.name }
            var running = live.filter { $0.state != "stopped" && $0.state != "stopping" }.count
            if config.provider.cachesStoppedNodes, running < type.minWorkers {
                let stopped = live.filter { $0.state == "stopped" }.prefix(type.minWorkers - running).map(\.id)
                if !stopped.isEmpty {
                    try provider.start(Array(stopped))
                    board.print("starting \(stopped.count) stopped \(type.name) worker(s)")
                    running += stopped.count
                }
            }
            var missing = type.minWorkers - running
            while missing > 0 {
                let total = counts.values.reduce(0, +)
                let room = config.maxWorkers.map { $0 - total } ?? Int.max
                guard room > 0 else {
                    board.print(
                        "warning: max_workers (\(config.maxWorkers ?? 0)) reached; \(missing) \(type.name) not launched"
                    )
                    break
                }
                let launched = try provider.launch(
                    typeName: type.name, kind: .worker, count: min(missing, room), network: network,
                    planner: &planner, allowed: { (counts[$0] ?? 0) < maxOf($0) })
                for instance in launched { counts[instance.tags[EC2NodeTags.type] ?? type.name, default: 0] += 1 }
                workers += launched
                missing -= launched.count
            }
        }

        // Every node running with an address, then the same set-up as for named machines.
        let stoppedLeft = Set(workers.filter { $0.state == "stopped" || $0.state == "stopping" }.map(\.id))
        let running = try provider.waitUntilRunning(
            [head.id] + workers.map(\.id).filter { !stoppedLeft.contains($0) }, timeout: context.sshTimeout)
        for instance in running {
            board.print(
                "\(instance.id == head.id ? "head" : "worker") \(instance.id): \(instance.type) \(instance.isSpot ? "spot" : "on-demand") in \(instance.zone) at \(provider.address(instance) ?? "?")"
            )
        }
        let resolved = try withNodes(context, running: running, headID: head.id, provider: provider)
        return try ClusterOperations.up(context: resolved, options: options, board: board, home: home)
    }

    /// Terminates the cluster's instances (workers only with `workersOnly`), found by tags; with
    /// cache_stopped_nodes, on-demand instances are stopped instead (spot ones cannot be).
    package static func down(
        context: ClusterContext, workersOnly: Bool, board: ProgressBoard, provider: EC2NodeProvider
    )
        throws(LaunchError) -> ClusterOperations.Outcome
    {
        var outcome = ClusterOperations.Outcome()
        let instances = try provider.instances(kind: workersOnly ? .worker : nil)
        let stop = instances.filter { context.config.provider.cachesStoppedNodes && !$0.isSpot }
        let terminate = instances.filter { !stop.map(\.id).contains($0.id) }
        try provider.terminate(terminate.map(\.id))
        try provider.stop(stop.filter { $0.state != "stopped" }.map(\.id))
        for instance in instances {
            let role: NodeIdentity.Role = instance.tags[EC2NodeTags.kind] == "head" ? .head : .worker
            outcome.succeeded.append(NodeIdentity(role: role, address: instance.id))
        }
        board.print(
            "\(context.config.clusterName): \(terminate.count) instance(s) terminated, \(stop.count) stopped")
        return outcome
    }

    /// The context with the cluster's running instances as its nodes (exec, attach, status and
    /// submit talk to them over SSH as to named machines).
    /// `instances`: the cluster's, when the caller listed them already.
    package static func liveContext(
        _ context: ClusterContext, provider: EC2NodeProvider, instances: [EC2Instance]? = nil
    ) throws(LaunchError) -> ClusterContext {
        let listed: [EC2Instance]
        if let instances { listed = instances } else { listed = try provider.instances() }
        let running = listed.filter { $0.state == "running" }
        guard let head = running.first(where: { $0.tags[EC2NodeTags.kind] == "head" }) else {
            throw LaunchError(
                "\(context.configPath): no running head is tagged for cluster \(context.config.clusterName); run `grow-head up` first"
            )
        }
        return try withNodes(context, running: running, headID: head.id, provider: provider)
    }

    static func withNodes(_ context: ClusterContext, running: [EC2Instance], headID: String, provider: EC2NodeProvider)
        throws(LaunchError) -> ClusterContext
    {
        guard let head = running.first(where: { $0.id == headID }), let headAddress = provider.address(head) else {
            throw LaunchError("\(context.configPath): the head \(headID) has no address")
        }
        // Workers join the head at its private address; this machine logs in where it can.
        let workers = running.filter { $0.id != headID }.compactMap { provider.address($0) }
        var resolved = context
        resolved.shipsClusterFileToHead = true
        resolved.config.provider = .local(
            LocalProvider(headIP: head.privateIP ?? headAddress, workerIPs: workers, externalHeadIP: headAddress))
        return resolved
    }

    /// The public half of the auth key: the `.pub` beside it, else read from the private key.
    static func publicKey(privateKey: String) -> String? {
        if let text = try? String(contentsOfFile: privateKey + ".pub", encoding: .utf8) {
            let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let parts = line.split(separator: " ")
            if parts.count >= 2 { return "\(parts[0]) \(parts[1])" }
        }
        return (try? String(contentsOfFile: privateKey, encoding: .utf8)).flatMap(
            EC2Bootstrap.publicKey(fromPrivateKey:))
    }
}
