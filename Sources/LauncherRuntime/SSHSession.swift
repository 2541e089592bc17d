import CSSH2
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One libssh2 connection to a node, reused for every command and upload of a set-up. The
/// session is non-blocking; every call that would block waits on the socket with poll(), so
/// stdout and stderr of a command stream side by side and a dead peer ends in a timeout rather
/// than a hang. Not thread-safe: one session belongs to one node's task.
package final class SSHSession: @unchecked Sendable {
    package let target: SSHTarget
    private var socketFD: Int32 = -1
    private var session: OpaquePointer?
    var sftpSession: OpaquePointer?
    /// Seconds a single blocked read or write may wait before the session counts as dead.
    package var ioTimeout: Double = 120

    /// nil once libssh2 is loaded and initialised, else why it cannot be (one line: what to
    /// install). libssh2 is not linked but dlopen()ed by the first connection, so only the
    /// commands that open an SSH session map it and the libcrypto it pulls in.
    private static let unavailable: String? = {
        let failure = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 1024) { error in
            grow_ssh2_load(error.baseAddress, error.count) == 0 ? nil : String(cString: error.baseAddress!)
        }
        if let failure { return failure }
        return libssh2_init(0) == 0 ? nil : "libssh2 failed to initialise"
    }()

    private init(target: SSHTarget) {
        self.target = target
    }

    deinit { close() }

    /// Connects, checks the host key, logs in. `connectTimeout` bounds the TCP connect.
    package static func connect(_ target: SSHTarget, connectTimeout: Double = 10) throws(SSHError) -> SSHSession {
        if let unavailable { throw SSHError(.failed, unavailable) }
        let ssh = SSHSession(target: target)
        try ssh.open(connectTimeout: connectTimeout)
        return ssh
    }

    /// Connects, retrying with backoff while the node does not answer (booting, sshd not up yet)
    /// until `deadline`; errors that retrying cannot fix end it at once.
    package static func connectWaiting(
        _ target: SSHTarget, deadline: Date, onRetry: (SSHError, Double) -> Void = { _, _ in }
    ) throws(SSHError) -> SSHSession {
        var delay = 0.5
        while true {
            let remaining = deadline.timeIntervalSinceNow
            do {
                return try connect(target, connectTimeout: max(1, min(10, remaining)))
            } catch let error where error.kind == .unreachable {
                let remaining = deadline.timeIntervalSinceNow
                guard remaining > 0 else {
                    throw SSHError(.unreachable, "\(error.description) (gave up after waiting)")
                }
                let pause = min(delay, remaining)
                onRetry(error, pause)
                Thread.sleep(forTimeInterval: pause)
                delay = min(delay * 2, 5)
            }
        }
    }

    package func close() {
        if let sftpSession { _ = libssh2_sftp_shutdown(sftpSession) }
        sftpSession = nil
        if let session {
            libssh2_session_set_blocking(session, 1)
            _ = grow_ssh2_session_disconnect(session, "grow: done")
            libssh2_session_free(session)
        }
        session = nil
        if socketFD >= 0 { Glibc.close(socketFD) }
        socketFD = -1
    }

    // MARK: - Connecting

    private func open(connectTimeout: Double) throws(SSHError) {
        socketFD = try Self.tcpConnect(host: target.host, port: target.port, timeout: connectTimeout, name: "\(target)")
        guard let session = grow_ssh2_session_init() else {
            throw SSHError(.failed, "\(target): libssh2 session init failed")
        }
        self.session = session
        libssh2_session_set_blocking(session, 0)
        let handshake = try call("SSH handshake") { libssh2_session_handshake(session, socketFD) }
        guard handshake == 0 else {
            // An sshd that is still starting closes during the banner exchange: retryable.
            throw SSHError(.unreachable, "\(target): SSH handshake failed (\(lastError()))")
        }
        try checkHostKey(session)
        let publicKey = target.privateKey + ".pub"
        let hasPublic = FileManager.default.fileExists(atPath: publicKey)
        let auth = try call("authentication") {
            grow_ssh2_userauth_publickey_fromfile(
                session, target.user, hasPublic ? publicKey : nil, target.privateKey, nil)
        }
        guard auth == 0 else {
            throw SSHError(
                .refused,
                "\(target): the server refused the key \(target.privateKey) (\(lastError())); is its public key in ~\(target.user == "root" ? "root" : target.user)/.ssh/authorized_keys?"
            )
        }
        libssh2_keepalive_config(session, 1, 15)
    }

    static func tcpConnect(host: String, port: Int, timeout: Double, name: String) throws(SSHError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let status = getaddrinfo(host, "\(port)", &hints, &list)
        guard status == 0, let first = list else {
            throw SSHError(.unreachable, "\(name): cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SSHError(.failed, "\(name): socket: \(String(cString: strerror(errno)))") }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        var result = Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen)
        if result != 0 && errno == EINPROGRESS {
            var pollFD = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&pollFD, 1, Int32(timeout * 1000))
            if ready == 0 {
                Glibc.close(fd)
                throw SSHError(.unreachable, "\(name): no answer on port \(port) within \(Int(timeout)) s")
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 {
                errno = error
                result = -1
            } else {
                result = 0
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw SSHError(.unreachable, "\(name): cannot connect to port \(port): \(reason)")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    private func checkHostKey(_ session: OpaquePointer) throws(SSHError) {
        var length = 0
        var type: Int32 = 0
        guard let key = libssh2_session_hostkey(session, &length, &type) else {
            throw SSHError(.failed, "\(target): the server sent no host key")
        }
        let bits = grow_ssh2_knownhost_key_bits(type)
        guard let hosts = libssh2_knownhost_init(session) else { throw SSHError(.failed, "known hosts init failed") }
        defer { libssh2_knownhost_free(hosts) }
        let file = target.knownHostsFile
        if FileManager.default.fileExists(atPath: file) {
            guard grow_ssh2_knownhost_readfile(hosts, file) >= 0 else {
                throw SSHError(.refused, "\(file): cannot read it as a known_hosts file")
            }
        }
        let check = grow_ssh2_knownhost_check(hosts, target.host, Int32(target.port), key, length, bits)
        switch check {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH:
            return
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
            throw SSHError(
                .refused,
                "\(target.host):\(target.port): its host key differs from the one pinned in \(file): if the machine was rebuilt, delete its line there; otherwise someone may be intercepting the connection"
            )
        default:
            guard target.policy == .acceptNew else {
                throw SSHError(
                    .refused,
                    "\(target.host):\(target.port): not in \(file) and the known-hosts policy is strict (run once with --known-hosts accept-new, or add its key)"
                )
            }
            let name = target.port == 22 ? target.host : "[\(target.host)]:\(target.port)"
            guard bits != 0, grow_ssh2_knownhost_add(hosts, name, key, length, bits, "grow") == 0 else {
                throw SSHError(.refused, "\(target.host): cannot pin its host key (unsupported key type \(type))")
            }
            let directory = (file as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // Re-read and append under a lock would be tidier; nodes are set up in parallel, so
            // write the whole set each time from a fresh read.
            try KnownHostsFile.lock.withLock { _ throws(SSHError) in
                guard let fresh = libssh2_knownhost_init(session) else { return }
                defer { libssh2_knownhost_free(fresh) }
                if FileManager.default.fileExists(atPath: file) { _ = grow_ssh2_knownhost_readfile(fresh, file) }
                _ = grow_ssh2_knownhost_add(fresh, name, key, length, bits, "grow")
                guard grow_ssh2_knownhost_writefile(fresh, file) == 0 else {
                    throw SSHError(.failed, "\(file): cannot write the pinned host key")
                }
                chmod(file, 0o600)
            }
        }
    }

    // MARK: - Waiting on the socket

    /// Repeats a libssh2 call while it answers EAGAIN, waiting for the socket in between.
    @discardableResult
    func call(_ what: String, _ body: () -> Int32) throws(SSHError) -> Int32 {
        while true {
            let result = body()
            if result != LIBSSH2_ERROR_EAGAIN { return result }
            try waitSocket(what)
        }
    }

    func callSize(_ what: String, _ body: () -> Int) throws(SSHError) -> Int {
        while true {
            let result = body()
            if result != Int(LIBSSH2_ERROR_EAGAIN) { return result }
            try waitSocket(what)
        }
    }

    /// For libssh2 calls that return a pointer (NULL + EAGAIN while pending).
    func callPointer(_ what: String, _ body: () -> OpaquePointer?) throws(SSHError) -> OpaquePointer {
        while true {
            if let pointer = body() { return pointer }
            guard let session, libssh2_session_last_errno(session) == LIBSSH2_ERROR_EAGAIN else {
                throw SSHError(.failed, "\(target): \(what) failed (\(lastError()))")
            }
            try waitSocket(what)
        }
    }

    func waitSocket(_ what: String, timeout: Double? = nil) throws(SSHError) {
        guard let session else { throw SSHError(.failed, "\(target): session closed") }
        var events: Int16 = 0
        if grow_ssh2_session_wants_read(session) != 0 { events |= Int16(POLLIN) }
        if grow_ssh2_session_wants_write(session) != 0 { events |= Int16(POLLOUT) }
        if events == 0 { events = Int16(POLLIN) }
        var pollFD = pollfd(fd: socketFD, events: events, revents: 0)
        let ready = poll(&pollFD, 1, Int32((timeout ?? ioTimeout) * 1000))
        if ready == 0, timeout == nil {
            throw SSHError(.failed, "\(target): no answer for \(Int(ioTimeout)) s during \(what)")
        }
    }

    func lastError() -> String {
        guard let session else { return "no session" }
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        guard let message else { return "error \(code)" }
        return String(cString: message)
    }

    var raw: OpaquePointer? { session }
    var fd: Int32 { socketFD }
}

/// Serialises writes of the known_hosts file between nodes set up in parallel.
enum KnownHostsFile {
    static let lock = Mutex(())
}
