import CSSH2
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension SSHSession {
    /// An interactive session on a pseudo-terminal (`ray attach`): this terminal in raw mode,
    /// keystrokes to the node, its output back, the window size kept in step. `command` nil
    /// starts the login shell. Returns the remote exit status.
    package func interactive(command: String?) throws(SSHError) -> Int32 {
        guard let session = raw else { throw SSHError(.failed, "\(target): session closed") }
        let channel = try callPointer("opening a channel") { grow_ssh2_channel_open_session(session) }
        defer { _ = try? call("closing a channel") { libssh2_channel_free(channel) } }
        var size = Self.windowSize()
        let term = ProcessInfo.processInfo.environment["TERM"] ?? "xterm-256color"
        let pty = try call("requesting a terminal") {
            grow_ssh2_channel_request_pty(channel, term, Int32(size.columns), Int32(size.rows))
        }
        guard pty == 0 else { throw SSHError(.failed, "\(target): the server refused a terminal (\(lastError()))") }
        let started = try call("starting the shell") {
            if let command { return grow_ssh2_channel_exec(channel, command) }
            return grow_ssh2_channel_shell(channel)
        }
        guard started == 0 else { throw SSHError(.failed, "\(target): cannot start the shell (\(lastError()))") }
        let restore = RawTerminal.enter()
        defer { restore?.leave() }
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        var stdinOpen = true
        while true {
            // Remote output first.
            let progressed = try readAvailable(channel, into: &buffer) { stream, bytes in
                _ = Glibc.write(stream == 0 ? 1 : 2, bytes.baseAddress, bytes.count)
            }
            if libssh2_channel_eof(channel) != 0 { break }
            let now = Self.windowSize()
            if now != size {
                size = now
                _ = grow_ssh2_channel_request_pty_size(channel, Int32(size.columns), Int32(size.rows))
            }
            if progressed { continue }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            if stdinOpen { fds.append(pollfd(fd: 0, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&fds, nfds_t(fds.count), 250)
            try keepAlive()
            if stdinOpen, fds.count > 1, fds[1].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
                if count <= 0 {
                    stdinOpen = false
                    _ = try call("closing input") { libssh2_channel_send_eof(channel) }
                } else {
                    try write(Data(buffer.prefix(count).map { UInt8(bitPattern: $0) }), to: channel)
                }
            }
        }
        _ = try? call("closing a channel") { libssh2_channel_close(channel) }
        _ = try? call("closing a channel") { libssh2_channel_wait_closed(channel) }
        return libssh2_channel_get_exit_status(channel)
    }

    struct WindowSize: Equatable {
        var columns: Int
        var rows: Int
    }

    static func windowSize() -> WindowSize {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return WindowSize(columns: 80, rows: 24) }
        return WindowSize(columns: Int(size.ws_col), rows: Int(size.ws_row))
    }
}

/// This terminal in raw mode for the length of an interactive session.
struct RawTerminal {
    let saved: termios

    static func enter() -> RawTerminal? {
        guard isatty(0) != 0 else { return nil }
        var original = termios()
        guard tcgetattr(0, &original) == 0 else { return nil }
        var raw = original
        cfmakeraw(&raw)
        tcsetattr(0, TCSANOW, &raw)
        return RawTerminal(saved: original)
    }

    func leave() {
        var saved = saved
        tcsetattr(0, TCSANOW, &saved)
    }
}
