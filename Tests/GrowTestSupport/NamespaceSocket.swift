import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP socket listening on `host`:`port` inside the network namespace `namespace` (an
/// `ip netns` name), for a server in this process that a test host reaches at an address only
/// its namespace has (169.254.169.254). A socket keeps the namespace it was made in, so one
/// thread enters the namespace, makes it, and returns; the rest of the process never moves.
package func listeningSocket(inNamespace namespace: String, host: String, port: Int) throws -> Int32 {
    let result = Mutex<Result<Int32, HarnessError>?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        result.withLock { $0 = makeSocket(namespace: namespace, host: host, port: port) }
        done.signal()
    }
    thread.start()
    done.wait()
    return try result.withLock { $0! }.get()
}

/// glibc's setns(2), which Swift's Glibc module does not import (it needs _GNU_SOURCE).
private func setns(_ fd: Int32, _ type: Int32) -> Int32 {
    typealias SetNS = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { return -1 }
    return unsafeBitCast(symbol, to: SetNS.self)(fd, type)
}

private let CLONE_NEWNET: Int32 = 0x4000_0000

private func makeSocket(namespace: String, host: String, port: Int) -> Result<Int32, HarnessError> {
    func failure(_ what: String) -> Result<Int32, HarnessError> {
        .failure(HarnessError("\(what) (namespace \(namespace)): \(String(cString: strerror(errno)))"))
    }
    let original = open("/proc/thread-self/ns/net", O_RDONLY)
    let target = open("/var/run/netns/\(namespace)", O_RDONLY)
    defer {
        if original >= 0 {
            _ = setns(original, CLONE_NEWNET)
            close(original)
        }
        if target >= 0 { close(target) }
    }
    guard original >= 0, target >= 0 else { return failure("cannot open the namespaces") }
    guard setns(target, CLONE_NEWNET) == 0 else { return failure("setns") }
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return failure("socket") }
    var on: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
    var address = loopbackAddress(port: port, host: host)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(fd, 128) == 0 else {
        let outcome = failure("cannot listen on \(host):\(port)")
        close(fd)
        return outcome
    }
    return .success(fd)
}
