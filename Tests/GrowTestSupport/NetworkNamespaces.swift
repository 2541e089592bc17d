import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Requires root: sshd logging in as root, network namespaces, bind mounts.
package func requireRoot(for purpose: String, file: StaticString = #filePath, line: UInt = #line) throws {
    try requirement(
        "root (\(purpose))", available: getuid() == 0, from: .machine("run the tests as root"), file: file, line: line)
}

/// Requires what the tests that put hosts in network namespaces need: root, iproute2 (and with
/// `unshare`, util-linux's unshare) and a kernel that lets this process make a namespace, which a
/// container without CAP_NET_ADMIN does not. The probe runs once per test process.
package func requireNetworkNamespaces(unshare: Bool = false, file: StaticString = #filePath, line: UInt = #line)
    throws
{
    try requireRoot(for: "network namespaces", file: file, line: line)
    try requirement("iproute2 (/usr/sbin/ip)", available: isExecutable("/usr/sbin/ip"), file: file, line: line)
    if unshare {
        try requirement(
            "util-linux (/usr/bin/unshare)", available: isExecutable("/usr/bin/unshare"), file: file, line: line)
    }
    try requirement(
        "permission to make network namespaces (\(NamespaceProbe.failure ?? ""))",
        available: NamespaceProbe.failure == nil,
        from: .machine("give the test container CAP_NET_ADMIN, e.g. docker run --privileged"), file: file, line: line)
}

enum NamespaceProbe {
    /// Why `ip netns add` failed, or nil when it works.
    static let failure: String? = {
        let name = "grow-probe-\(getpid())"
        guard let added = try? runProcess("/usr/sbin/ip", ["netns", "add", name]) else { return "ip did not start" }
        guard added.status == 0 else { return added.output.trimmingCharacters(in: .whitespacesAndNewlines) }
        _ = try? runProcess("/usr/sbin/ip", ["netns", "del", name])
        return nil
    }()
}

/// Runs `ip ARGUMENTS`; a failure (after `requireNetworkNamespaces`) is the test's failure.
package func ip(_ arguments: [String]) throws {
    let result = try runProcess("/usr/sbin/ip", arguments)
    guard result.status == 0 else {
        throw HarnessError("ip \(arguments.joined(separator: " ")) failed: \(result.output)")
    }
}
