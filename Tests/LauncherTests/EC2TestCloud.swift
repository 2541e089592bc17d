import AWSCore
import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// moto's EC2 made into machines on this one: moto listens on a test bridge in the default
/// VPC's range (172.31.0.0/16, so no packet for an instance leaves this machine), and `pump()`
/// gives every running instance of the cluster a host in a network namespace of its own at the
/// instance's private address (an sshd, and an instance metadata stand-in at 169.254.169.254
/// that knows the instance's id and address; the head's also serves an instance profile whose
/// credentials moto accepts), and takes the host away again once EC2 ends the instance, as AWS
/// takes the machine. The tests call `pump()` while they wait.
final class EC2TestCloud {
    struct Machine {
        var instance: EC2Instance
        var kind: String
        var metadata: IMDSStandIn
        /// Its home folder (kept after the machine is gone, for its logs).
        var home: URL
        /// When the test first saw the instance running (and made its host).
        var hostedAt: Date
        var gone = false
        var address: String { instance.privateIP ?? "" }
    }

    let cluster: TestCluster
    let moto: MotoServer
    let ec2: EC2Client
    let clusterName: String
    /// Instance id → its machine, in the order they were hosted.
    private(set) var machines: [String: Machine] = [:]
    private(set) var order: [String] = []
    private var headCredentials: [IMDSStandIn.Credentials] = []

    init(name: String, clusterName: String) throws {
        cluster = try TestCluster(name: name, bridgeAddress: "172.31.255.254/16")
        do {
            moto = try MotoServer(name: name, host: "172.31.255.254")
            let session = try XCTUnwrap(moto.assumedRoleCredentials(role: "grow-head", count: 1).first)
            headCredentials = [
                .init(
                    accessKeyID: session.accessKeyID, secretAccessKey: session.secretAccessKey,
                    token: session.sessionToken, expiration: Int(Date().timeIntervalSince1970) + 3600)
            ]
        } catch {
            cluster.tearDown()
            throw error
        }
        self.clusterName = clusterName
        ec2 = EC2Client(
            config: AWSServiceConfig(
                service: "ec2", region: "us-east-1", endpoint: moto.endpoint,
                credentials: .fixed(
                    AWSCredentials(
                        accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey, source: .environment))))
    }

    func tearDown() {
        machines = [:]
        cluster.tearDown()
    }

    /// The environment of `grow-head` on the machine a user runs it on: moto's keys and address,
    /// no instance metadata, this cluster's local home.
    var environment: [String: String] {
        var environment = moto.awsEnvironment()
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment["HOME"] = cluster.localHome.path
        environment["GROW_TOKEN"] = nil
        environment["GROW_TOKEN_FILE"] = nil
        return environment
    }

    /// What a head's start command needs in front to reach EC2 as on AWS: moto's address, and
    /// credentials from the instance profile only (the host's sshd passes no keys on).
    var headEnvironmentPrefix: String {
        "AWS_ENDPOINT_URL_EC2=\(moto.endpoint) AWS_EC2_METADATA_SERVICE_ENDPOINT=http://169.254.169.254"
    }

    /// A cluster file for this cloud: an on-demand head (grow.head) and spot workers (grow.spot,
    /// c5.large, 2 slots) in us-east-1a, logged into with the test's key at their private
    /// addresses. `settings` go at the top (idle_timeout_minutes, ...), `commands` at the end.
    func clusterFile(minWorkers: Int, maxWorkers: Int, settings: String = "", commands: String) throws -> URL {
        try cluster.writeCluster(
            """
            cluster_name: \(clusterName)
            max_workers: \(maxWorkers)
            \(settings)
            provider:
                type: aws
                region: us-east-1
                availability_zone: us-east-1a
                use_internal_ips: true
                cache_stopped_nodes: false
            auth:
                ssh_user: root
                ssh_private_key: \(cluster.key.path)
                ssh_port: \(cluster.port)
            available_node_types:
                grow.head:
                    node_config: {InstanceType: m5.large, ImageId: ami-12c6146b}
                grow.spot:
                    min_workers: \(minWorkers)
                    max_workers: \(maxWorkers)
                    resources: {"CPU": 2}
                    node_config:
                        InstanceType: c5.large
                        ImageId: ami-12c6146b
                        InstanceMarketOptions: {MarketType: spot}
            head_node_type: grow.head
            \(commands)
            """)
    }

    /// The cluster's instances in every state.
    func instances() throws -> [EC2Instance] {
        try ec2.describeInstances(filters: [EC2Filter("tag:grow-cluster-name", [clusterName])])
    }

    /// Hosts the instances that run and have none yet; takes away those EC2 ended.
    func pump() throws {
        for instance in try instances() {
            if var machine = machines[instance.id] {
                machine.instance = instance
                if !instance.isLive, !machine.gone {
                    cluster.removeHost(address: machine.address)
                    machine.gone = true
                }
                machines[instance.id] = machine
                continue
            }
            guard instance.state == "running", let address = instance.privateIP else { continue }
            let kind = instance.tags["grow-node-kind"] ?? "?"
            let host = try cluster.addHost(name: "\(kind)-\(instance.id)", address: address, prefixLength: 16)
            try ip(["netns", "exec", host.namespace, "ip", "addr", "add", "169.254.169.254/32", "dev", "lo"])
            let metadata = try IMDSStandIn(
                instanceID: instance.id, host: "169.254.169.254", port: 80, namespace: host.namespace)
            metadata.setPath("meta-data/local-ipv4", address)
            if kind == "head" { metadata.setInstanceProfile(role: "grow-head", credentials: headCredentials) }
            machines[instance.id] = Machine(
                instance: instance, kind: kind, metadata: metadata, home: host.home, hostedAt: Date())
            order.append(instance.id)
        }
    }

    /// Pumps until `condition` holds; fails after `limit` seconds (a safety net for a broken
    /// build, not a speed goal).
    func pump(until what: String, limit: Double = 300, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(limit)
        while true {
            try pump()
            if try condition() { return }
            guard Date() < deadline else { throw HarnessError("gave up waiting for \(what)") }
            usleep(200_000)
        }
    }

    /// Pumps while `process` runs.
    func pump(while process: Process) throws {
        try pump(until: "\(process.executableURL?.lastPathComponent ?? "a process") to end") { !process.isRunning }
    }

    /// Machines that are still there, of `kind` (head, worker).
    func live(_ kind: String) -> [Machine] {
        order.compactMap { machines[$0] }.filter { $0.kind == kind && !$0.gone }
    }

    func machine(at address: String) -> Machine? {
        machines.values.first { $0.address == address }
    }

    /// Runs grow-head on the user's machine (with `environment` unless given), its output in a
    /// log file.
    func start(_ arguments: [String], log name: String, environment: [String: String]? = nil) throws -> (
        process: Process, log: URL
    ) {
        let process = Process()
        process.executableURL = PackagePaths.headBinary
        process.arguments = arguments
        process.environment = environment ?? self.environment
        let log = cluster.directory.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, log)
    }
}

/// A test case with one `EC2TestCloud`, torn down after each test.
class EC2CloudTestCase: XCTestCase {
    var cloud: EC2TestCloud?

    func makeCloud(name: String, clusterName: String) throws -> EC2TestCloud {
        let made = try EC2TestCloud(name: name, clusterName: clusterName)
        cloud = made
        return made
    }

    override func tearDown() {
        cloud?.tearDown()
        cloud = nil
    }
}
