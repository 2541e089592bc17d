import NIOCore
import NIOEmbedded
import Wire
import XCTest

final class FrameDecoderTests: XCTestCase {
    private func sampleStream() throws -> (ByteBuffer, [Message]) {
        var generator = MessageGenerator(seed: 42)
        var messages = Message.Kind.allCases.prefix(8).map { generator.message(of: $0) }
        let bigText = String(repeating: "NDVI tile 31UDQ ", count: 400)
        messages.append(.jobDefinition(JobDefinition(job: 3, name: "compressed", spec: bigText)))
        messages.append(.listWorkers(Empty()))
        return (try encodeFrames(messages), messages)
    }

    /// Feeds `chunks` one after another through a real NIO pipeline with the channel decoder.
    private func decodeThroughChannel(_ chunks: [ByteBuffer], limits: WireLimits = .default) throws -> [Message] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MessageDecoder(limits: limits)))
        var received: [Message] = []
        for chunk in chunks {
            try channel.writeInbound(chunk)
            while let message: Message = try channel.readInbound() { received.append(message) }
        }
        XCTAssertTrue(try channel.finish().isClean)
        return received
    }

    func testEverySplitOfAStreamDecodesTheSameMessages() throws {
        let (stream, messages) = try sampleStream()
        XCTAssertTrue(stream.readableBytesView.count > 200)
        let n = stream.readableBytes
        for cut in 0...n {
            let chunks = [stream.getSlice(at: 0, length: cut)!, stream.getSlice(at: cut, length: n - cut)!]
            XCTAssertEqual(try decodeThroughChannel(chunks), messages, "cut at \(cut)")
        }
    }

    func testEveryTwoCutSplitOfTheFirstFrames() throws {
        let messages: [Message] = [
            .requestTiles(RequestTiles(count: 4)),
            .heartbeat(Heartbeat(busySlots: 1, queuedTiles: 2, load: 0.5, rssBytes: 1 << 20)), .listWorkers(Empty()),
        ]
        let stream = try encodeFrames(messages)
        let n = stream.readableBytes
        for a in 0...n {
            for b in a...n {
                let chunks = [
                    stream.getSlice(at: 0, length: a)!, stream.getSlice(at: a, length: b - a)!,
                    stream.getSlice(at: b, length: n - b)!,
                ]
                XCTAssertEqual(try decodeThroughChannel(chunks), messages, "cuts at \(a), \(b)")
            }
        }
    }

    func testOneBytePerRead() throws {
        let (stream, messages) = try sampleStream()
        let chunks = (0..<stream.readableBytes).map { stream.getSlice(at: $0, length: 1)! }
        XCTAssertEqual(try decodeThroughChannel(chunks), messages)
    }

    func testManyFramesInOneRead() throws {
        let messages = (0..<1000).map { Message.requestTiles(RequestTiles(count: UInt32($0))) }
        XCTAssertEqual(try decodeThroughChannel([try encodeFrames(messages)]), messages)
    }

    // MARK: - Errors, each distinct

    private func header(
        magic: UInt16 = FrameHeader.magic, version: UInt8 = FrameHeader.version, flags: UInt8 = 0,
        type: UInt16 = Message.Kind.requestTiles.rawValue, wire: UInt32, raw: UInt32
    ) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 16)
        buffer.writeInteger(magic, endianness: .little)
        buffer.writeInteger(version)
        buffer.writeInteger(flags)
        buffer.writeInteger(type, endianness: .little)
        buffer.writeInteger(UInt16(0), endianness: .little)
        buffer.writeInteger(wire, endianness: .little)
        buffer.writeInteger(raw, endianness: .little)
        return buffer
    }

    private func decodeError(_ bytes: ByteBuffer, limits: WireLimits = .default) -> WireError? {
        var buffer = bytes
        do {
            while let frame = try FrameCodec.decode(from: &buffer, limits: limits) {
                _ = try Message(frame: frame)
            }
            return nil
        } catch {
            return error
        }
    }

    func testBadMagic() {
        XCTAssertEqual(decodeError(header(magic: 0x5448, wire: 0, raw: 0)), .badMagic(0x5448))
        // An HTTP request is rejected on its first 16 bytes.
        var http = ByteBufferAllocator().buffer(capacity: 32)
        http.writeString("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(decodeError(http), .badMagic(0x4547))
    }

    func testAForeignPrefixIsRejectedBeforeAWholeHeaderArrives() {
        func prefix(_ bytes: [UInt8]) -> WireError? {
            var buffer = ByteBufferAllocator().buffer(bytes: bytes)
            do {
                _ = try FrameCodec.decode(from: &buffer)
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(prefix(Array("*1\r\n$4\r\nPING\r\n".utf8)), .badMagic(0x312A), "a Redis PING")
        XCTAssertEqual(prefix([0x16]), .badMagic(0x0016), "a TLS handshake, first byte")
        XCTAssertEqual(prefix([0x47, 0x58]), .badMagic(0x5847))
        XCTAssertEqual(prefix([0x47, 0x57, 9]), .unsupportedFrameVersion(9))
        // A true frame's first bytes just wait for the rest.
        XCTAssertNil(prefix([0x47]))
        XCTAssertNil(prefix([0x47, 0x57, 1, 0, 16]))
    }

    func testUnknownVersionAndFlags() {
        XCTAssertEqual(decodeError(header(version: 9, wire: 0, raw: 0)), .unsupportedFrameVersion(9))
        XCTAssertEqual(decodeError(header(flags: 0x82, wire: 0, raw: 0)), .unknownFlags(0x82))
    }

    func testLengthOverTheMaximumIsRejectedFromTheHeaderAlone() {
        // Only the 16 header bytes exist: the decoder must not wait for (or allocate) 4 GiB.
        XCTAssertEqual(
            decodeError(header(wire: UInt32.max, raw: UInt32.max)),
            .frameTooLarge(length: UInt32.max, limit: WireLimits.defaultMaxFrameSize))
        XCTAssertEqual(
            decodeError(header(flags: 1, wire: 10, raw: 100_000_000)),
            .frameTooLarge(length: 100_000_000, limit: WireLimits.defaultMaxFrameSize))
        let small = WireLimits(maxFrameSize: 1024)
        XCTAssertEqual(
            decodeError(header(wire: 1025, raw: 1025), limits: small), .frameTooLarge(length: 1025, limit: 1024))
    }

    func testUncompressedLengthsMustAgree() {
        XCTAssertEqual(decodeError(header(wire: 4, raw: 5)), .lengthMismatch(wire: 4, raw: 5))
    }

    func testUnknownMessageType() {
        XCTAssertEqual(decodeError(header(type: 999, wire: 0, raw: 0)), .unknownMessageType(999))
    }

    func testCorruptLZ4() {
        var frame = header(flags: 1, wire: 8, raw: 4096)
        frame.writeBytes([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(decodeError(frame), .corruptCompressedPayload)
    }

    func testDecompressedSizeNotMatchingRawLength() throws {
        // A valid LZ4 block of 2000 bytes, declared as 1000 and as 3000.
        let message = Message.jobDefinition(
            JobDefinition(job: 1, name: "x", spec: String(repeating: "ab", count: 1000)))
        let stream = try encodeFrames([message])
        XCTAssertEqual(stream.getInteger(at: 3, as: UInt8.self), 1)
        let raw = stream.getInteger(at: 12, endianness: .little, as: UInt32.self)!
        for declared in [raw - 1, raw + 1, raw * 2] {
            var tampered = stream
            tampered.setInteger(declared, at: 12, endianness: .little)
            let error = decodeError(tampered)
            XCTAssertTrue(
                error == .decompressedSizeMismatch(expected: declared, actual: Int(raw))
                    || error == .corruptCompressedPayload
                    || error == .decompressedSizeMismatch(expected: declared, actual: Int(declared) + 1),
                "declared \(declared): \(String(describing: error))")
            XCTAssertNotNil(error)
        }
    }

    func testTruncatedFrameAtEndOfStream() throws {
        let stream = try encodeFrames([.submitJob(SubmitJob(name: "a", spec: "{}"))])
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MessageDecoder()))
        try channel.writeInbound(stream.getSlice(at: 0, length: stream.readableBytes - 2)!)
        XCTAssertNil(try channel.readInbound(as: Message.self))
        XCTAssertThrowsError(try channel.finish()) { error in
            XCTAssertEqual(error as? WireError, .truncatedFrame(have: stream.readableBytes - 2))
        }
    }

    private func decodeBody(_ kind: Message.Kind, _ build: (inout WireWriter) -> Void) -> WireError? {
        var writer = WireWriter()
        build(&writer)
        do {
            _ = try Message(frame: Frame(type: kind.rawValue, payload: ByteBuffer(bytes: writer.bytes)))
            return nil
        } catch {
            return error
        }
    }

    func testTruncatedMessageBodies() {
        // Payloads that end inside a field, or whose counts and lengths lie.
        XCTAssertEqual(
            decodeBody(.assign) {
                $0.writeVarint(UInt64(1))
                $0.writeVarint(UInt64(1_000_000_000))
            },
            .truncatedMessage("TileBatch.tiles"))
        XCTAssertEqual(decodeBody(.proof) { $0.writeVarint(UInt64(1 << 40)) }, .truncatedMessage("Proof.mac"))
        XCTAssertEqual(decodeBody(.heartbeat) { $0.writeVarint(UInt64(1)) }, .truncatedMessage("Heartbeat.queuedTiles"))
        XCTAssertEqual(
            decodeBody(.requestTiles) { $0.bytes += [UInt8](repeating: 0xFF, count: 11) },
            .malformedVarint("RequestTiles.count"))
        // level, job, then a 2-byte string that is not UTF-8
        XCTAssertEqual(decodeBody(.log) { $0.bytes += [1, 0, 2, 0xC3, 0x28] }, .invalidUTF8("LogLine.text"))
        XCTAssertEqual(
            decodeBody(.requestTiles) { $0.writeVarint(UInt64(1) << 33) }, .valueOutOfRange("RequestTiles.count"))
        XCTAssertEqual(
            decodeBody(.shutdown) {
                $0.writeLengthPrefixedString("x")
                $0.bytes.append(7)
            }, .valueOutOfRange("Shutdown.graceful"))
    }
}
