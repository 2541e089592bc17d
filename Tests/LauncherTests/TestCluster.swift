import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Three (or more) test hosts for the launcher: network namespaces on one bridge, each with its
/// own sshd and its own home directory (bind-mounted over /root for that sshd and everything it
/// starts), plus a home for the machine that runs `grow-head up`. `tearDown()` kills what the
/// launcher started on the hosts (from their pid files), the sshds, the namespaces and the bridge.
final class TestCluster {
    struct Host {
        let name: String
        let namespace: String
        let address: String
        let home: URL
        let server: TestSSHServer
        /// The bridge's end of its veth pair.
        let link: String
    }

    let directory: URL
    let localHome: URL
    let bridge: String
    let subnet: Int
    let port: Int
    let key: URL
    private(set) var hosts: [Host] = []
    private var namespaces: [String] = []
    private var links: [String] = []
    private var hostsMade = 0
    /// More pid-file folders and folders to remove (docker staging under /tmp).
    var extraRunDirectories: [URL] = []
    var extraDirectories: [URL] = []

    static var headBinary: URL { PackagePaths.headBinary }

    private let tag: String

    /// `names` hosts at 10.233.SUBNET.10, .11, ... on a bridge at 10.233.SUBNET.1/24.
    convenience init(name: String, hosts names: [String]) throws {
        let subnet = Int.random(in: 20..<250)
        try self.init(name: name, bridgeAddress: "10.233.\(subnet).1/24", subnet: subnet)
        do {
            for (index, hostName) in names.enumerated() {
                try addHost(name: hostName, address: "10.233.\(subnet).\(10 + index)", prefixLength: 24)
            }
        } catch {
            tearDown()
            throw error
        }
    }

    /// A bridge at `bridgeAddress` (CIDR) and no host yet: `addHost` puts them on it (the EC2
    /// tests add one for each instance moto launches, at the instance's private address).
    init(name: String, bridgeAddress: String, subnet: Int = 0) throws {
        try TestSSHServer.requireSSHD()
        try requireNetworkNamespaces(unshare: true)
        try PackagePaths.requireBinaries(worker: true)
        directory = uniqueTemporaryURL("launch-\(name)")
        localHome = directory.appendingPathComponent("local-home")
        try FileManager.default.createDirectory(at: localHome, withIntermediateDirectories: true)
        tag = String(getpid() % 10_000) + String(Int.random(in: 0..<100))
        bridge = "grb\(tag)"
        self.subnet = subnet
        port = try freeLoopbackPort()
        key = directory.appendingPathComponent("id_ed25519")
        try TestSSHServer.keygen(type: "ed25519", at: key)
        do {
            try ip(["link", "add", bridge, "type", "bridge"])
            links.append(bridge)
            try ip(["addr", "add", bridgeAddress, "dev", bridge])
            try ip(["link", "set", bridge, "up"])
        } catch {
            tearDown()
            throw error
        }
    }

    /// A host in a namespace of its own at `address`, with an sshd on the cluster's port and its
    /// own home directory.
    @discardableResult
    func addHost(name hostName: String, address: String, prefixLength: Int) throws -> Host {
        let index = hostsMade
        hostsMade += 1
        let namespace = "grl\(tag)-\(index)"
        let outside = "grv\(tag)\(index)"
        let inside = "grh\(tag)\(index)"
        try ip(["netns", "add", namespace])
        namespaces.append(namespace)
        try ip(["link", "add", outside, "type", "veth", "peer", "name", inside])
        links.append(outside)
        try ip(["link", "set", inside, "netns", namespace])
        try ip(["link", "set", outside, "master", bridge])
        try ip(["link", "set", outside, "up"])
        try ip(["netns", "exec", namespace, "ip", "addr", "add", "\(address)/\(prefixLength)", "dev", inside])
        try ip(["netns", "exec", namespace, "ip", "link", "set", inside, "up"])
        try ip(["netns", "exec", namespace, "ip", "link", "set", "lo", "up"])
        let home = directory.appendingPathComponent("home-\(hostName)")
        let server = try TestSSHServer(
            directory: directory.appendingPathComponent("sshd-\(hostName)"), address: address, port: port,
            userKey: key, namespace: namespace, home: home)
        let host = Host(
            name: hostName, namespace: namespace, address: address, home: home, server: server, link: outside)
        hosts.append(host)
        try server.start()
        return host
    }

    /// The host at `address` goes away as a reclaimed machine does: its grow processes are
    /// killed, its sshd stops and its namespace (with its network) is deleted. Its home stays for
    /// the test to read.
    func removeHost(address: String) {
        guard let index = hosts.firstIndex(where: { $0.address == address }) else { return }
        let host = hosts.remove(at: index)
        for pid in Self.pids(inRunDirectory: host.home.appendingPathComponent(".grow/run")) { kill(pid, SIGKILL) }
        host.server.stop()
        _ = try? runProcess("/usr/sbin/ip", ["netns", "del", host.namespace])
        namespaces.removeAll { $0 == host.namespace }
        links.removeAll { $0 == host.link }
    }

    /// An address on the bridge's subnet where no host answers.
    var deadAddress: String { "10.233.\(subnet).99" }

    func tearDown() {
        killLaunchedProcesses()
        for host in hosts { host.server.stop() }
        for namespace in namespaces { _ = try? runProcess("/usr/sbin/ip", ["netns", "del", namespace]) }
        for link in links.reversed() { _ = try? runProcess("/usr/sbin/ip", ["link", "del", link]) }
        namespaces = []
        links = []
        hosts = []
        try? FileManager.default.removeItem(at: directory)
        for extra in extraDirectories { try? FileManager.default.removeItem(at: extra) }
    }

    /// SIGKILL for every process the launcher left running on the hosts (their pid files).
    func killLaunchedProcesses() {
        for pid in launchedProcesses() { kill(pid, SIGKILL) }
    }

    /// Live processes named in the hosts' ~/.grow/run pid files.
    func launchedProcesses() -> [pid_t] {
        (hosts.map { $0.home.appendingPathComponent(".grow/run") } + extraRunDirectories).flatMap(Self.pids)
    }

    static func pids(inRunDirectory run: URL) -> [pid_t] {
        var pids: [pid_t] = []
        for file in (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? [] {
            let text = (try? String(contentsOf: run.appendingPathComponent(file), encoding: .utf8)) ?? ""
            if let pid = text.split(separator: " ").first.flatMap({ pid_t($0) }), kill(pid, 0) == 0 {
                pids.append(pid)
            }
        }
        return pids
    }

    /// Processes running grow binaries copied to a host (/root/.grow/bin inside the hosts).
    static func growProcessesFromNodeBinaries() -> [String] {
        var found: [String] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(entry) != nil {
            guard let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let command = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            if command.hasPrefix("/root/.grow/bin/grow-") { found.append("\(entry): \(command)") }
        }
        return found
    }

    func writeCluster(_ text: String, name: String = "cluster.yaml") throws -> URL {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// A cluster.yaml for these hosts: the first is the head.
    func clusterYAML(workers: [String]? = nil, extra: String = "", name: String = "launch-test") -> String {
        let head = hosts[0].address
        let workerList = (workers ?? hosts.dropFirst().map(\.address)).joined(separator: ", ")
        return """
            cluster_name: \(name)
            provider:
                type: local
                head_ip: \(head)
                worker_ips: [\(workerList)]
            auth:
                ssh_user: root
                ssh_private_key: \(key.path)
                ssh_port: \(port)
            file_mounts:
                ~/project: \(directory.appendingPathComponent("project").path)
            rsync_exclude:
                - "**/.git"
            setup_commands:
                - test -f ~/project/input.txt
                - echo "set up on $(hostname) with GROW_HEAD_IP=${GROW_HEAD_IP:-none}" >> ~/setup-ran.txt
            head_start_commands:
                - grow-head daemon stop --all
                - grow-head daemon start head --wait-port 6379 --wait 30 -- grow-head start --port 6379
            worker_start_commands:
                - grow-head daemon stop --all
                - grow-head daemon start worker -- grow-worker --address $GROW_HEAD_IP:6379 --slots 2
            \(extra)
            """
    }

    /// Runs grow-head with this cluster's local home; returns status, stdout and stderr.
    @discardableResult
    func growHead(
        _ arguments: [String], executable: String? = nil, prefix: [String] = [],
        environment extra: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = executable.map { URL(fileURLWithPath: $0) } ?? Self.headBinary
        process.arguments = prefix + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = localHome.path
        environment["GROW_TOKEN"] = nil
        environment["GROW_TOKEN_FILE"] = nil
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let out = directory.appendingPathComponent("out-\(UUID().uuidString)")
        let err = directory.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        )
    }
}
