import CSSH2
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Output of a remote command as it arrives.
package enum CommandOutput: Sendable {
    case stdout(Data)
    case stderr(Data)
}

extension SSHSession {
    /// Runs `command` through the login user's shell; `output` sees stdout and stderr as they
    /// arrive. Returns the exit status (-1 when the command died by a signal).
    package func run(_ command: String, input: Data? = nil, output: (CommandOutput) -> Void) throws(SSHError) -> Int32 {
        guard let session = raw else { throw SSHError(.failed, "\(target): session closed") }
        let channel = try callPointer("opening a channel") { grow_ssh2_channel_open_session(session) }
        defer { _ = try? call("closing a channel") { libssh2_channel_free(channel) } }
        let started = try call("starting a command") { grow_ssh2_channel_exec(channel, command) }
        guard started == 0 else { throw SSHError(.failed, "\(target): cannot start a command (\(lastError()))") }
        if let input {
            try write(input, to: channel)
        }
        _ = try call("closing stdin") { libssh2_channel_send_eof(channel) }
        var buffer = [CChar](repeating: 0, count: 32 * 1024)
        while true {
            let progressed = try readAvailable(channel, into: &buffer) { stream, bytes in
                output(stream == 0 ? .stdout(Data(bytes)) : .stderr(Data(bytes)))
            }
            if libssh2_channel_eof(channel) != 0 && !progressed { break }
            if !progressed {
                // A set-up command may be silent for minutes (pip, apt): no timeout here, but a
                // keepalive every 15 s so a dead connection ends in an error.
                try waitSocket("a running command", timeout: 15)
                try keepAlive()
            }
        }
        _ = try call("closing a channel") { libssh2_channel_close(channel) }
        _ = try call("closing a channel") { libssh2_channel_wait_closed(channel) }
        var signal: UnsafeMutablePointer<CChar>?
        var signalLength = 0
        _ = libssh2_channel_get_exit_signal(channel, &signal, &signalLength, nil, nil, nil, nil)
        if let signal {
            free(signal)
            return -1
        }
        return libssh2_channel_get_exit_status(channel)
    }

    /// Reads what the channel's stdout (stream 0) and stderr (stream 1) hold now and hands each
    /// chunk to `deliver`; returns whether anything came. Never waits.
    func readAvailable(
        _ channel: OpaquePointer, into buffer: inout [CChar], _ deliver: (Int, UnsafeRawBufferPointer) -> Void
    ) throws(SSHError) -> Bool {
        var progressed = false
        for stream in [0, 1] {
            let count = buffer.withUnsafeMutableBufferPointer { pointer -> Int in
                stream == 0
                    ? grow_ssh2_channel_read_stdout(channel, pointer.baseAddress, pointer.count)
                    : grow_ssh2_channel_read_stderr(channel, pointer.baseAddress, pointer.count)
            }
            if count > 0 {
                buffer.withUnsafeBytes { deliver(stream, UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
                progressed = true
            } else if count < 0 && count != Int(LIBSSH2_ERROR_EAGAIN) {
                throw SSHError(.failed, "\(target): reading the remote output failed (\(lastError()))")
            }
        }
        return progressed
    }

    func keepAlive() throws(SSHError) {
        guard let session = raw else { throw SSHError(.failed, "\(target): session closed") }
        var next: Int32 = 0
        let result = libssh2_keepalive_send(session, &next)
        if result != 0 && result != LIBSSH2_ERROR_EAGAIN {
            throw SSHError(.failed, "\(target): the connection broke (\(lastError()))")
        }
    }

    /// Runs `command` and collects its output.
    package func capture(_ command: String, input: Data? = nil) throws(SSHError) -> (
        status: Int32, stdout: String, stderr: String
    ) {
        var out = Data()
        var err = Data()
        let status = try run(command, input: input) { chunk in
            switch chunk {
            case .stdout(let data): out.append(data)
            case .stderr(let data): err.append(data)
            }
        }
        return (status, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    func write(_ data: Data, to channel: OpaquePointer) throws(SSHError) {
        var offset = 0
        while offset < data.count {
            let written = try callSize("sending input") {
                data.withUnsafeBytes { bytes in
                    let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self) + offset
                    return grow_ssh2_channel_write_stdin(channel, base, data.count - offset)
                }
            }
            guard written >= 0 else { throw SSHError(.failed, "\(target): sending input failed (\(lastError()))") }
            offset += written
        }
    }

    /// The login user's home directory on the node.
    package func homeDirectory() throws(SSHError) -> String {
        let result = try capture("printf %s \"$HOME\"")
        guard result.status == 0, result.stdout.hasPrefix("/") else {
            throw SSHError(
                .failed,
                "\(target): cannot read $HOME (\(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        return result.stdout
    }
}
