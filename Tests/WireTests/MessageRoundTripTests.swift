import GrowBase
import GrowTestSupport
import NIOCore
import Wire
import XCTest

final class MessageRoundTripTests: XCTestCase {
    func testEveryMessageKindRoundTripsWithRandomValues() throws {
        var generator = MessageGenerator(seed: 0x6772_6F77)
        for kind in Message.Kind.allCases {
            for _ in 0..<200 {
                let message = generator.message(of: kind)
                XCTAssertEqual(message.kind, kind)
                var buffer = try encodeFrames([message])
                let decoded = try decodeAll(&buffer)
                XCTAssertEqual(decoded, [message], "kind \(kind)")
                XCTAssertEqual(buffer.readableBytes, 0)
            }
        }
    }

    func testVarintEdges() throws {
        var writer = WireWriter()
        let values: [UInt64] = [0, 1, 127, 128, 16_383, 16_384, UInt64(UInt32.max), UInt64.max - 1, UInt64.max]
        for value in values { writer.writeVarint(value) }
        XCTAssertEqual(writer.bytes.count, 1 + 1 + 1 + 2 + 2 + 3 + 5 + 10 + 10)
        let decoded = try WireReader.read(ByteBuffer(bytes: writer.bytes)) {
            (reader: inout WireReader) throws(WireError) in
            try values.map { _ throws(WireError) in try reader.varint("v") }
        }
        XCTAssertEqual(decoded, values)
        for value: Int64 in [0, -1, 1, .min, .max] {
            var signed = WireWriter()
            signed.writeZigZag(value)
            let back = try WireReader.read(ByteBuffer(bytes: signed.bytes)) {
                (reader: inout WireReader) throws(WireError) in
                try reader.zigZag("z")
            }
            XCTAssertEqual(back, value)
        }
    }

    func testLongRecordsGetMultiByteLengths() throws {
        // A record of 128+ bytes needs a 2-byte length: the writer must shift the body.
        let long = TileResult(
            job: 1, index: 2, attempt: 3, durationMicros: 4, detail: String(repeating: "é", count: 300))
        let message = Message.tileDone(TileDone(results: [long, long]))
        var buffer = try encodeFrames([message], limits: WireLimits(compressionThreshold: .max))
        XCTAssertEqual(try decodeAll(&buffer), [message])
    }

    func testSmallMessagesAreCompactAndUncompressed() throws {
        let assign = Message.assign(
            TileBatch(job: 1, tiles: (0..<10).map { TileAssignment(index: UInt32($0), attempt: 1) }))
        let buffer = try encodeFrames([assign])
        // 16 header + job + count + 10 × (length + index + attempt)
        XCTAssertEqual(buffer.readableBytes, FrameHeader.size + 1 + 1 + 10 * 3)
        XCTAssertEqual(buffer.getInteger(at: 3, as: UInt8.self), 0, "no compression flag on a small frame")
    }

    func testCompressionIsUsedOnlyWhenItPays() throws {
        // Smooth uint16 "raster" rows compress; random bytes do not.
        let smooth = (0..<65_536).map { i in String(UnicodeScalar(UInt8(65 + (i / 4096) % 26))) }.joined()
        var random = SplitMix64(seed: 7)
        let noisy = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let compressible = Message.jobDefinition(JobDefinition(job: 1, name: "smooth", spec: smooth))
        let incompressible = Message.proof(Proof(mac: noisy))
        var one = try encodeFrames([compressible])
        var two = try encodeFrames([incompressible])
        XCTAssertEqual(one.getInteger(at: 3, as: UInt8.self), FrameHeader.compressedFlag)
        XCTAssertLessThan(one.readableBytes, 65_536 / 10)
        XCTAssertEqual(two.getInteger(at: 3, as: UInt8.self), 0)
        XCTAssertEqual(try decodeAll(&one), [compressible])
        XCTAssertEqual(try decodeAll(&two), [incompressible])
    }

    func testNewerPeersMayAppendFieldsToMessagesAndListElements() throws {
        // A "version 2" Assign: each element carries an extra field, the message an extra trailer.
        var payload = WireWriter()
        payload.writeVarint(UInt32(9))
        payload.writeVarint(UInt64(2))
        for index in [5, 6] as [UInt32] {
            payload.writeRecord { record in
                record.writeVarint(index)
                record.writeVarint(UInt32(1))
                record.writeLengthPrefixedString("a field from the future")
            }
        }
        payload.writeLengthPrefixedString("trailing field from the future")
        let message = try Message(
            frame: Frame(type: Message.Kind.assign.rawValue, payload: ByteBuffer(bytes: payload.bytes)))
        XCTAssertEqual(
            message,
            .assign(
                TileBatch(job: 9, tiles: [TileAssignment(index: 5, attempt: 1), TileAssignment(index: 6, attempt: 1)])))
    }

    func testFieldsAppendedForTheAutoscalerReadAsNoneFromOlderPeers() throws {
        // What a worker from before nodeID, rebalanceNoticeUnixMs, cause and terminationUnixMs sends.
        func decode(_ kind: Message.Kind, _ write: (inout WireWriter) -> Void) throws -> Message {
            var payload = WireWriter()
            write(&payload)
            return try Message(frame: Frame(type: kind.rawValue, payload: ByteBuffer(bytes: payload.bytes)))
        }
        let register = try decode(.registerWorker) {
            $0.writeLengthPrefixedString("w1")
            $0.writeVarint(UInt64(7))
            $0.writeLengthPrefixedString("host")
            $0.writeVarint(UInt32(4))
            $0.writeVarint(UInt64(1 << 30))
            $0.writeVarint(UInt32(2))
            $0.writeLengthPrefixedString("grow 0.1")
            $0.writeVarint(UInt64(0))
        }
        XCTAssertEqual(
            register,
            .registerWorker(
                RegisterWorker(
                    workerID: "w1", incarnation: 7, host: "host", cpus: 4, memoryBytes: 1 << 30, slots: 2,
                    version: "grow 0.1", running: [], nodeID: "")))
        let heartbeat = try decode(.heartbeat) {
            $0.writeVarint(UInt32(1))
            $0.writeVarint(UInt32(2))
            $0.writeDouble(0.5)
            $0.writeVarint(UInt64(99))
        }
        XCTAssertEqual(
            heartbeat,
            .heartbeat(Heartbeat(busySlots: 1, queuedTiles: 2, load: 0.5, rssBytes: 99, rebalanceNoticeUnixMs: 0)))
        let drain = try decode(.drain) {
            $0.writeVarint(UInt64(1234))
            $0.writeLengthPrefixedString("SIGTERM")
        }
        XCTAssertEqual(
            drain, .drain(Drain(deadlineUnixMs: 1234, reason: "SIGTERM", cause: .shutdown, terminationUnixMs: 0)))
        // And a cause from a newer peer that this one does not know reads as a plain shutdown.
        let future = try decode(.drain) {
            $0.writeVarint(UInt64(1234))
            $0.writeLengthPrefixedString("?")
            $0.writeVarint(UInt8(200))
            $0.writeVarint(UInt64(5678))
        }
        XCTAssertEqual(
            future, .drain(Drain(deadlineUnixMs: 1234, reason: "?", cause: .shutdown, terminationUnixMs: 5678)))
    }

    func testEncoderRefusesAFrameOverTheLimit() {
        var buffer = ByteBufferAllocator().buffer(capacity: 16)
        let big = Message.proof(Proof(mac: [UInt8](repeating: 1, count: 2000)))
        XCTAssertThrowsError(try big.encodeFrame(into: &buffer, limits: WireLimits(maxFrameSize: 1000))) { error in
            XCTAssertEqual(error as? WireError, .frameTooLarge(length: 2002, limit: 1000))
        }
        XCTAssertEqual(buffer.readableBytes, 0, "nothing half-written stays in the buffer")
    }
}

final class ProtocolDocumentTests: XCTestCase {
    /// The worked example in docs/protocol.md, byte for byte.
    func testDocumentedExampleFrame() throws {
        let buffer = try encodeFrames([.requestTiles(RequestTiles(count: 4))])
        XCTAssertEqual(
            Array(buffer.readableBytesView),
            [0x47, 0x57, 0x01, 0x00, 0x12, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04])
    }
}
