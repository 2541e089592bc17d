import CSSH2
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Local port forwarding (`ssh -L`): connections accepted on a local listening socket are carried
/// to an address as the node sees it (its own 127.0.0.1:8265, say) through direct-tcpip channels
/// of this session. One thread pumps every connection with poll(); the session stays
/// non-blocking, as for commands.
extension SSHSession {
    /// A listening TCP socket on `host:port` (0: any free port) and the port it got.
    package static func listen(host: String, port: Int) throws(SSHError) -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SSHError(.failed, "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            Glibc.close(fd)
            throw SSHError(.failed, "\(host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw SSHError(.failed, "cannot listen on \(host):\(port): \(reason)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// One forwarded connection.
    private final class Forward {
        let fd: Int32
        let channel: OpaquePointer
        var localEOF = false

        init(fd: Int32, channel: OpaquePointer) {
            self.fd = fd
            self.channel = channel
        }
    }

    /// Carries every connection accepted on `listener` to `remoteHost:remotePort` (as the node
    /// sees it) until `stop` says so; then closes the connections (not the listener).
    /// `onConnection` hears of each new connection, or why the node refused it.
    package func forward(
        listener: Int32, remoteHost: String, remotePort: Int, stop: () -> Bool,
        onConnection: (String) -> Void = { _ in }
    ) throws(SSHError) {
        guard let session = raw else { throw SSHError(.failed, "\(target): session closed") }
        var forwards: [Forward] = []
        var buffer = [UInt8](repeating: 0, count: 32 * 1024)
        var lastKeepAlive = Date()
        defer {
            for forward in forwards { close(forward) }
        }
        while !stop() {
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            var sshEvents = Int16(POLLIN)
            if grow_ssh2_session_wants_write(session) != 0 { sshEvents |= Int16(POLLOUT) }
            fds.append(pollfd(fd: fd, events: sshEvents, revents: 0))
            for forward in forwards where !forward.localEOF {
                fds.append(pollfd(fd: forward.fd, events: Int16(POLLIN), revents: 0))
            }
            _ = poll(&fds, nfds_t(fds.count), 100)
            if fds[0].revents & Int16(POLLIN) != 0 {
                let client = accept(listener, nil, nil)
                if client >= 0 {
                    _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
                    do {
                        let channel = try callPointer("opening a forwarded channel") {
                            libssh2_channel_direct_tcpip_ex(session, remoteHost, Int32(remotePort), "127.0.0.1", 0)
                        }
                        forwards.append(Forward(fd: client, channel: channel))
                        onConnection("connection forwarded to \(remoteHost):\(remotePort)")
                    } catch {
                        Glibc.close(client)
                        onConnection(error.description)
                    }
                }
            }
            var finished: [ObjectIdentifier] = []
            for forward in forwards {
                if try !pump(forward, buffer: &buffer) { finished.append(ObjectIdentifier(forward)) }
            }
            for forward in forwards where finished.contains(ObjectIdentifier(forward)) { close(forward) }
            forwards.removeAll { finished.contains(ObjectIdentifier($0)) }
            if Date().timeIntervalSince(lastKeepAlive) > 15 {
                try keepAlive()
                lastKeepAlive = Date()
            }
        }
    }

    /// Moves what is waiting either way; false once the connection is over.
    private func pump(_ forward: Forward, buffer: inout [UInt8]) throws(SSHError) -> Bool {
        // Local to remote.
        if !forward.localEOF {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(forward.fd, $0.baseAddress, $0.count) }
            if count > 0 {
                var offset = 0
                while offset < count {
                    let written = try callSize("forwarding") {
                        buffer.withUnsafeBytes { bytes in
                            libssh2_channel_write_ex(
                                forward.channel, 0,
                                bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self),
                                count - offset)
                        }
                    }
                    guard written >= 0 else { return false }
                    offset += written
                }
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                forward.localEOF = true
                _ = try? call("closing a forwarded stream") { libssh2_channel_send_eof(forward.channel) }
            }
        }
        // Remote to local.
        while true {
            let count = buffer.withUnsafeMutableBytes {
                libssh2_channel_read_ex(
                    forward.channel, 0, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
            }
            if count == Int(LIBSSH2_ERROR_EAGAIN) { break }
            if count < 0 { return false }
            if count == 0 { return libssh2_channel_eof(forward.channel) == 0 }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes {
                    Glibc.write(forward.fd, $0.baseAddress!.advanced(by: offset), count - offset)
                }
                if written > 0 {
                    offset += written
                } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    var out = pollfd(fd: forward.fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&out, 1, 1000)
                } else {
                    return false
                }
            }
        }
        return true
    }

    private func close(_ forward: Forward) {
        _ = try? call("closing a forwarded channel") { libssh2_channel_close(forward.channel) }
        _ = try? call("freeing a forwarded channel") { libssh2_channel_free(forward.channel) }
        Glibc.close(forward.fd)
    }
}
