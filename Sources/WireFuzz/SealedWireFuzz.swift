import NIOCore
import Wire

/// The sealed target: the decoder of a head after a completed handshake whose keys the fuzzer
/// knows (the worked example's of docs/protocol.md). The first input byte picks a mode:
///
/// - even: the rest is the byte stream a peer sends after the handshake. Frames go through the
///   opener and the decoders; almost every mutation fails to open, which is the point: headers,
///   lengths and tags the opener must survive.
/// - odd: the rest is read as frames in clear (any type, any payload), which are sealed as a peer
///   would seal them, then one bit of the sealed stream is flipped where the first byte's upper
///   bits say (or none), and the stream is opened. Every frame that opens must be exactly a frame
///   that was sealed, and the flipped frame and those after it must not open: so the fuzzer
///   reaches the message decoders through sealing, and checks that tampering never yields a frame.
func fuzzSealedWire(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let limits = WireLimits(maxFrameSize: 1 << 20)
    var rest = ByteBufferAllocator().buffer(capacity: size)
    rest.writeBytes(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 == 0 {
        var opener = FrameOpener(key: FuzzKeys.head.opening, limits: limits)
        openAll(&rest, opener: &opener, limits: limits)
        return 0
    }

    // Frames in clear, as a peer's code would hand them to its sealer.
    var frames: [Frame] = []
    while let frame = try? FrameCodec.decode(from: &rest, limits: limits) { frames.append(frame) }
    var sealer = FrameSealer(key: FuzzKeys.peer.sealing, limits: limits)
    var stream = ByteBufferAllocator().buffer(capacity: size + 64)
    var ends: [Int] = []
    for frame in frames {
        let payload = frame.payload
        do {
            try FrameCodec.encode(type: frame.type, into: &stream, sealer: &sealer, limits: limits) { out in
                var copy = payload
                out.writeBuffer(&copy)
            }
        } catch {
            fatalError("a frame that decoded in clear could not be sealed: \(error)")
        }
        ends.append(stream.writerIndex)
    }
    // Where to flip: 0 for none, else a position from the mode byte and the input's length.
    let choice = Int(data[0] >> 1)
    var tampered = ends.count
    if choice > 0, stream.readableBytes > 0 {
        let position = (choice &* 2_654_435_761 &+ size) % stream.readableBytes
        let byte = stream.getInteger(at: position, as: UInt8.self)!
        stream.setInteger(byte ^ UInt8(1 << (choice % 8)), at: position)
        tampered = ends.firstIndex { position < $0 } ?? ends.count
    }
    var opener = FrameOpener(key: FuzzKeys.head.opening, limits: limits)
    var opened = 0
    while true {
        let frame: Frame?
        do {
            frame = try FrameCodec.decode(from: &stream, opener: &opener, limits: limits)
        } catch {
            break
        }
        guard let frame else { break }
        guard opened < tampered else { fatalError("a tampered sealed frame opened (frame \(opened))") }
        guard frame.type == frames[opened].type, frame.payload == frames[opened].payload else {
            fatalError("sealed frame \(opened) opened to something else than was sealed")
        }
        _ = try? Message(frame: frame)
        opened += 1
    }
    if tampered == ends.count && opened != frames.count {
        fatalError("only \(opened) of \(frames.count) untouched sealed frames opened")
    }
    return 0
}

/// Decodes sealed frames until the stream ends or fails; each message is re-encoded (sealed) and
/// opened again, and must come back the same.
private func openAll(_ buffer: inout ByteBuffer, opener: inout FrameOpener, limits: WireLimits) {
    var sealer = FrameSealer(key: FuzzKeys.peer.sealing, limits: limits)
    var again = FrameOpener(key: FuzzKeys.head.opening, limits: limits)
    while true {
        let frame: Frame?
        do {
            frame = try FrameCodec.decode(from: &buffer, opener: &opener, limits: limits)
        } catch {
            return
        }
        guard let frame else { return }
        guard let message = try? Message(frame: frame) else { continue }
        var first = ByteBufferAllocator().buffer(capacity: 64)
        var second = ByteBufferAllocator().buffer(capacity: 64)
        guard (try? message.encodeFrame(into: &first, limits: limits)) != nil,
            (try? message.encodeFrame(into: &second, sealer: &sealer, limits: limits)) != nil
        else { continue }
        guard let reopened = try? FrameCodec.decode(from: &second, opener: &again, limits: limits),
            let decoded = try? Message(frame: reopened)
        else {
            fatalError("a message sealed and opened again did not decode: \(message)")
        }
        var third = ByteBufferAllocator().buffer(capacity: 64)
        guard (try? decoded.encodeFrame(into: &third, limits: limits)) != nil, first == third else {
            fatalError("sealing changed a message: \(message)")
        }
    }
}

/// The session keys of the worked example's handshake (docs/protocol.md): fixed token, nonces
/// and names, so seeds stay valid from run to run.
enum FuzzKeys {
    static let (peer, head): (SessionKeys, SessionKeys) = {
        let token = try! ClusterToken(secret: "grow-example-cluster-token-0123456789")
        var client = ClientHandshake(
            token: token, role: .worker, name: "w1", nonce: [UInt8](repeating: 1, count: 32))
        var server = ServerHandshake(
            token: token, headName: "head", sessionID: 1, heartbeatIntervalMs: 1000,
            nonce: [UInt8](repeating: 2, count: 32))
        guard case .send(let challenge) = server.receive(.hello(client.hello)),
            case .send(let proof) = client.receive(challenge),
            case .complete(let welcome, _, let headKeys) = server.receive(proof),
            case .complete(_, let peerKeys) = client.receive(welcome)
        else { fatalError("the example handshake failed") }
        return (peerKeys, headKeys)
    }()
}
