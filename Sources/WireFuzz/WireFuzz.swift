import NIOCore
import Wire

/// The plain target: the input is a byte stream as a peer could send it before the handshake. It
/// goes through the frame decoder and every decoded frame through the message decoder; each
/// decoded message is re-encoded and decoded again, and must encode to the same bytes. Errors are
/// expected; crashes, leaks, hangs and unbounded allocations are the findings.
func fuzzWire(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var buffer = ByteBufferAllocator().buffer(capacity: size)
    buffer.writeBytes(UnsafeBufferPointer(start: data, count: size))
    let limits = WireLimits(maxFrameSize: 1 << 20)
    while true {
        let frame: Frame?
        do {
            frame = try FrameCodec.decode(from: &buffer, limits: limits)
        } catch {
            return 0
        }
        guard let frame else { return 0 }
        guard let message = try? Message(frame: frame) else { continue }
        // Re-encode, decode, re-encode: the two encodings must be identical. (Bytes, not
        // `==`: a NaN in a Double field is a legal value that is not equal to itself.)
        var first = ByteBufferAllocator().buffer(capacity: 64)
        var second = ByteBufferAllocator().buffer(capacity: 64)
        guard (try? message.encodeFrame(into: &first, limits: limits)) != nil else { continue }
        var copy = first
        guard let again = try? FrameCodec.decode(from: &copy, limits: limits),
            let decodedAgain = try? Message(frame: again),
            (try? decodedAgain.encodeFrame(into: &second, limits: limits)) != nil,
            first == second
        else {
            fatalError("round trip changed a message: \(message)")
        }
    }
}
