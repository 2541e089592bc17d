import Crypto
import NIOCore
import XCTest

@testable import Wire

/// `FrameSealer` and `FrameOpener` on their own: what a sealed frame is, and every way a stream of
/// them can be tampered with.
final class SealedFrameTests: XCTestCase {
    let key = SymmetricKey(data: (0..<32).map { UInt8($0) })
    let otherKey = SymmetricKey(data: (0..<32).map { UInt8(255 - $0) })

    private func seal(_ messages: [Message], key: SymmetricKey? = nil, limits: WireLimits = .default) throws
        -> [ByteBuffer]
    {
        var sealer = FrameSealer(key: key ?? self.key, limits: limits)
        return try messages.map { message in
            var buffer = ByteBufferAllocator().buffer(capacity: 64)
            try message.encodeFrame(into: &buffer, sealer: &sealer, limits: limits)
            return buffer
        }
    }

    /// Decodes `frames` as one stream with a fresh opener: the messages before the first error,
    /// and that error.
    private func open(_ frames: [ByteBuffer], key: SymmetricKey? = nil) -> (messages: [Message], error: WireError?) {
        var stream = ByteBufferAllocator().buffer(capacity: 256)
        for var frame in frames { stream.writeBuffer(&frame) }
        var opener = FrameOpener(key: key ?? self.key)
        var messages: [Message] = []
        do throws(WireError) {
            while let frame = try FrameCodec.decode(from: &stream, opener: &opener) {
                messages.append(try Message(frame: frame))
            }
            return (messages, nil)
        } catch {
            return (messages, error)
        }
    }

    private let sample: [Message] = [
        .requestTiles(RequestTiles(count: 4)),
        .heartbeat(Heartbeat(busySlots: 1, queuedTiles: 2, load: 0.5, rssBytes: 1 << 20)),
        .assign(TileBatch(job: 1, tiles: [TileAssignment(index: 7, attempt: 1)])),
        .tileDone(TileDone(results: [TileResult(job: 1, index: 7, attempt: 1, durationMicros: 9, detail: "")])),
    ]

    func testEveryMessageKindRoundTripsSealed() throws {
        var generator = MessageGenerator(seed: 7)
        let messages = (0..<300).map { i in
            generator.message(of: Message.Kind.allCases[i % Message.Kind.allCases.count])
        }
        let (decoded, error) = open(try seal(messages))
        XCTAssertNil(error)
        XCTAssertEqual(decoded.count, messages.count)
        // Bytes, not `==`: a NaN in a Double field is not equal to itself.
        XCTAssertEqual(try encodeFrames(decoded), try encodeFrames(messages))
    }

    func testASealedFrameIsTheHeaderCiphertextAndTag() throws {
        let message = Message.requestTiles(RequestTiles(count: 4))
        let frame = try seal([message])[0]
        XCTAssertEqual(frame.readableBytes, 16 + 1 + 16, "header, the one-byte payload, the tag")
        let bytes = Array(frame.readableBytesView)
        XCTAssertEqual(Array(bytes[0..<3]), [0x47, 0x57, 0x01])
        XCTAssertEqual(bytes[3], FrameHeader.sealedFlag)
        XCTAssertEqual(bytes[8], 17, "wire length counts the tag")
        XCTAssertEqual(bytes[12], 1, "raw length is the payload's")
        XCTAssertNotEqual(bytes[16], 4, "the payload is not in clear")
    }

    func testCompressionHappensBeforeSealing() throws {
        let spec = String(repeating: #"{"pipeline": "command", "command": ["run", "31UDQ"]} "#, count: 80)
        let message = Message.jobDefinition(JobDefinition(job: 2, name: "big", spec: spec))
        let frame = try seal([message])[0]
        let header = try XCTUnwrap(FrameHeader.peek(in: frame, maxFrameSize: 1 << 20))
        XCTAssertTrue(header.isCompressed && header.isSealed)
        XCTAssertLessThan(Int(header.wireLength), spec.utf8.count / 4, "sealed ciphertext of an LZ4 block")
        XCTAssertEqual(open([frame]).messages, [message])
    }

    func testEveryFlippedBitIsRefused() throws {
        let frames = try seal(sample)
        let target = frames[2]
        for bit in 0..<(target.readableBytes * 8) {
            var flipped = target
            let index = target.readerIndex + bit / 8
            flipped.setInteger(flipped.getInteger(at: index, as: UInt8.self)! ^ UInt8(1 << (bit % 8)), at: index)
            let (messages, error) = open([frames[0], frames[1], flipped, frames[3]])
            // A flip in the length field may leave the decoder waiting for bytes that never come;
            // it never yields the frame or anything after it.
            XCTAssertEqual(messages, Array(sample.prefix(2)), "bit \(bit)")
            if bit / 8 >= FrameHeader.size {
                XCTAssertEqual(error, .frameFailedToOpen(frame: 2), "bit \(bit)")
            }
        }
    }

    func testAReplayedFrameIsNamedAsOne() throws {
        let frames = try seal(sample)
        let (messages, error) = open([frames[0], frames[1], frames[0]])
        XCTAssertEqual(messages, Array(sample.prefix(2)))
        XCTAssertEqual(error, .replayedFrame(copyOf: 0, expected: 2))
    }

    func testADroppedFrameIsAGap() throws {
        let frames = try seal(sample)
        let (messages, error) = open([frames[0], frames[2], frames[3]])
        XCTAssertEqual(messages, [sample[0]])
        XCTAssertEqual(error, .frameOutOfOrder(got: 2, expected: 1))
    }

    func testSwappedFramesAreOutOfOrder() throws {
        let frames = try seal(sample)
        let (messages, error) = open([frames[0], frames[2], frames[1], frames[3]])
        XCTAssertEqual(messages, [sample[0]])
        XCTAssertEqual(error, .frameOutOfOrder(got: 2, expected: 1))
    }

    func testAFrameSealedWithAnotherKeyFailsToOpen() throws {
        let genuine = try seal(sample)
        let forged = try seal(sample, key: otherKey)
        let (messages, error) = open([genuine[0], forged[1]])
        XCTAssertEqual(messages, [sample[0]])
        XCTAssertEqual(error, .frameFailedToOpen(frame: 1))
    }

    func testAFrameInClearAfterTheHandshakeIsRefused() throws {
        let genuine = try seal(sample)
        let clear = try encodeFrames([sample[1]])
        let (messages, error) = open([genuine[0], clear])
        XCTAssertEqual(messages, [sample[0]])
        XCTAssertEqual(error, .unsealedFrame(type: Message.Kind.heartbeat.rawValue))
    }

    func testASealedFrameBeforeTheKeysIsRefused() throws {
        var stream = try seal(sample)[0]
        XCTAssertThrowsError(try FrameCodec.decode(from: &stream)) { error in
            XCTAssertEqual(error as? WireError, .sealedFrameBeforeKeys(type: Message.Kind.requestTiles.rawValue))
        }
    }

    func testAnOpenerThatFailedOpensNothingMore() throws {
        let frames = try seal(sample)
        var opener = FrameOpener(key: key)
        var replay = frames[0]
        var stream = frames[0]
        stream.writeBuffer(&replay)
        XCTAssertNotNil(try FrameCodec.decode(from: &stream, opener: &opener))
        XCTAssertThrowsError(try FrameCodec.decode(from: &stream, opener: &opener))
        var next = frames[1]
        XCTAssertThrowsError(try FrameCodec.decode(from: &next, opener: &opener), "frame 1 is genuine, but too late")
    }

    func testTheSealerStopsAtItsFrameLimitAndSendsNothingHalfMade() throws {
        let limits = WireLimits(sealedFramesPerKey: 3)
        var sealer = FrameSealer(key: key, limits: limits)
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        for message in sample.prefix(3) { try message.encodeFrame(into: &buffer, sealer: &sealer, limits: limits) }
        let before = buffer.readableBytes
        XCTAssertThrowsError(try sample[3].encodeFrame(into: &buffer, sealer: &sealer, limits: limits)) { error in
            XCTAssertEqual(error as? WireError, .sealingKeyExhausted(frames: 3, bytes: UInt64(before - 3 * 16)))
        }
        XCTAssertEqual(buffer.readableBytes, before)
        XCTAssertEqual(sealer.nextFrame, 3)
    }

    func testTheSealerStopsAtItsByteLimit() throws {
        let limits = WireLimits(sealedBytesPerKey: 100)
        var sealer = FrameSealer(key: key, limits: limits)
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        var sealed = 0
        do {
            for _ in 0..<10 {
                try sample[0].encodeFrame(into: &buffer, sealer: &sealer, limits: limits)
                sealed += 1
            }
        } catch {
            XCTAssertEqual(error, .sealingKeyExhausted(frames: 5, bytes: 85))
        }
        XCTAssertEqual(sealed, 5, "17 bytes (payload and tag) a frame, 100 allowed")
    }

    /// The frames are AES-256-GCM exactly as swift-crypto computes it: what CBoringAEAD's direct
    /// calls seal, `AES.GCM` opens, and the reverse.
    func testSealingMatchesSwiftCryptosAESGCM() throws {
        var rng = SystemRandomNumberGenerator()
        var sealer = FrameSealer(key: key)
        var opener = FrameOpener(key: key)
        for (counter, size) in [0, 1, 15, 16, 17, 255, 1000, 5000].enumerated() {
            let payload = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var frame = ByteBufferAllocator().buffer(capacity: size + 32)
            try FrameCodec.encode(
                type: 28, into: &frame, sealer: &sealer, limits: WireLimits(compressionThreshold: .max)
            ) { $0.writeBytes(payload) }
            let bytes = Array(frame.readableBytesView)
            let nonce = try AES.GCM.Nonce(data: nonceBytes(UInt64(counter)))
            let box = try AES.GCM.SealedBox(
                nonce: nonce, ciphertext: bytes[16..<(bytes.count - 16)], tag: bytes[(bytes.count - 16)...])
            XCTAssertEqual(Array(try AES.GCM.open(box, using: key, authenticating: bytes[0..<16])), payload)

            // And swift-crypto's sealing of the same frame opens here.
            let header = Array(bytes[0..<16])
            let theirs = try AES.GCM.seal(payload, using: key, nonce: nonce, authenticating: header)
            var stream = ByteBufferAllocator().buffer(capacity: size + 32)
            stream.writeBytes(header + Array(theirs.ciphertext) + Array(theirs.tag))
            let decoded = try XCTUnwrap(try FrameCodec.decode(from: &stream, opener: &opener))
            XCTAssertEqual(Array(decoded.payload.readableBytesView), payload)
        }
    }

    private func nonceBytes(_ counter: UInt64) -> [UInt8] {
        withUnsafeBytes(of: counter.littleEndian) { Array($0) } + [0, 0, 0, 0]
    }
}
