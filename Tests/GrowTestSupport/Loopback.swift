import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// 127.0.0.1:`port` (or another IPv4 `host`) as a socket address.
package func loopbackAddress(port: Int, host: String = "127.0.0.1") -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr(host)
    address.sin_port = UInt16(port).bigEndian
    return address
}

/// Connects a new TCP socket to 127.0.0.1:`port`; returns the descriptor (the caller closes
/// it), or nil when nothing accepts.
package func connectLoopback(port: Int, host: String = "127.0.0.1") -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = loopbackAddress(port: port, host: host)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
    if connected { return fd }
    close(fd)
    return nil
}

/// Whether something accepts TCP connections on 127.0.0.1:`port` (or `host`) right now.
package func acceptsConnections(port: Int, host: String = "127.0.0.1") -> Bool {
    guard let fd = connectLoopback(port: port, host: host) else { return false }
    close(fd)
    return true
}

/// A loopback port nobody listens on right now (the kernel's pick for port 0).
package func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = loopbackAddress(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw HarnessError("cannot find a free loopback port: \(String(cString: strerror(errno)))") }
    return Int(UInt16(bigEndian: address.sin_port))
}
