import CLZ4
import Crypto
import Foundation
import NIOCore
import Wire

// Wire throughput on one core: small messages through encode+decode, 1 MiB raster payloads with
// and without LZ4, each in clear and sealed (as every frame after the handshake is), memcpy / LZ4
// itself on the same bytes as the machine's reference, and the two AEADs side by side.
// Usage: WireBench [--payload FILE] [--json OUT]
// FILE holds raw uint16 raster bytes (scripts/bench makes it from real imagery).

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Best of `rounds` timings: the least disturbed run on a shared machine.
func best(rounds: Int = 5, _ body: () throws -> Void) rethrows -> Double {
    var fastest = Double.infinity
    for _ in 0..<rounds { fastest = min(fastest, try seconds(body)) }
    return fastest
}

var arguments = CommandLine.arguments.dropFirst()
var payloadPath: String?
var jsonPath: String?
while let argument = arguments.popFirst() {
    switch argument {
    case "--payload": payloadPath = arguments.popFirst()
    case "--json": jsonPath = arguments.popFirst()
    default:
        FileHandle.standardError.write(Data("WireBench: unknown argument \(argument)\n".utf8))
        exit(2)
    }
}

// MARK: Small messages

let smallMessages: [Message] = [
    .heartbeat(Heartbeat(busySlots: 2, queuedTiles: 4, load: 1.25, rssBytes: 24 << 20)),
    .requestTiles(RequestTiles(count: 4)),
    .assign(TileBatch(job: 3, tiles: (0..<8).map { TileAssignment(index: 1000 + $0, attempt: 1) })),
    .tileDone(TileDone(results: [TileResult(job: 3, index: 1003, attempt: 1, durationMicros: 152_000, detail: "")])),
    .tilesStarted(TileBatch(job: 3, tiles: [TileAssignment(index: 1004, attempt: 1)])),
]
let smallCount = 2_000_000

/// Locals only: globals in main.swift get dynamic exclusivity checks that would dominate.
func smallMessageSeconds(_ messages: [Message], count: Int) throws -> (Double, Int) {
    var buffer = ByteBufferAllocator().buffer(capacity: 1 << 16)
    var sum = 0
    let elapsed = try best {
        for i in 0..<count {
            buffer.clear()
            try messages[i % messages.count].encodeFrame(into: &buffer)
            guard let frame = try FrameCodec.decode(from: &buffer) else { fatalError("no frame") }
            if case .requestTiles(let r) = try Message(frame: frame) { sum &+= Int(r.count) }
        }
    }
    return (elapsed, sum)
}
let (smallSeconds, smallSum) = try smallMessageSeconds(smallMessages, count: smallCount)
var checksum = smallSum
let smallRate = Double(smallCount) / smallSeconds

/// The same, sealed: encode, seal, open, decode. The frame numbers run on across the rounds, as
/// on a connection.
func sealedSmallMessageSeconds(_ messages: [Message], count: Int) throws -> (Double, Int) {
    let key = SymmetricKey(size: .bits256)
    var sealer = FrameSealer(key: key)
    var opener = FrameOpener(key: key)
    var buffer = ByteBufferAllocator().buffer(capacity: 1 << 16)
    var sum = 0
    let elapsed = try best {
        for i in 0..<count {
            buffer.clear()
            try messages[i % messages.count].encodeFrame(into: &buffer, sealer: &sealer)
            guard let frame = try FrameCodec.decode(from: &buffer, opener: &opener) else { fatalError("no frame") }
            if case .requestTiles(let r) = try Message(frame: frame) { sum &+= Int(r.count) }
        }
    }
    return (elapsed, sum)
}
let (sealedSmallSeconds, sealedSmallSum) = try sealedSmallMessageSeconds(smallMessages, count: smallCount)
checksum &+= sealedSmallSum
let sealedSmallRate = Double(smallCount) / sealedSmallSeconds
let averageSmallBytes =
    try smallMessages.map { m -> Int in
        var b = ByteBufferAllocator().buffer(capacity: 64)
        try m.encodeFrame(into: &b)
        return b.readableBytes
    }.reduce(0, +) / smallMessages.count

// MARK: 1 MiB payloads

let mebibyte = 1 << 20
var raster: [UInt8]
if let payloadPath, let data = FileManager.default.contents(atPath: payloadPath), data.count >= mebibyte {
    raster = [UInt8](data.prefix(mebibyte))
} else {
    // Fallback: a smooth 512×1024 uint16 reflectance field with sensor noise.
    var state: UInt64 = 1
    raster = [UInt8](repeating: 0, count: mebibyte)
    for i in 0..<(mebibyte / 2) {
        state = state &* 6_364_136_223_846_793_005 &+ 1
        let x = Double(i % 1024)
        let y = Double(i / 1024)
        let value = 2500 + 900 * sin(x / 37) * cos(y / 23) + Double(state >> 60)
        let v = UInt16(max(0, min(65535, value)))
        raster[2 * i] = UInt8(v & 0xFF)
        raster[2 * i + 1] = UInt8(v >> 8)
    }
}
var payload = ByteBufferAllocator().buffer(capacity: mebibyte)
payload.writeBytes(raster)
let payloadRounds = 200

func payloadThroughput(_ payload: ByteBuffer, limits: WireLimits) throws -> (gbps: Double, wireBytes: Int, sum: Int) {
    var sum = 0
    var out = ByteBufferAllocator().buffer(capacity: 2 * mebibyte)
    var wireBytes = 0
    let elapsed = try best {
        for _ in 0..<payloadRounds {
            out.clear()
            try FrameCodec.encode(type: 19, payload: payload, into: &out, limits: limits)
            wireBytes = out.readableBytes
            guard let frame = try FrameCodec.decode(from: &out, limits: limits) else { fatalError("no frame") }
            sum &+= frame.payload.readableBytes
        }
    }
    return (Double(payloadRounds * mebibyte) / elapsed / 1e9, wireBytes, sum)
}

let plain = try payloadThroughput(payload, limits: WireLimits(compressionThreshold: .max))
let lz4 = try payloadThroughput(payload, limits: WireLimits())
// LZ4 forced on whatever it saves: what the compressor itself costs on this raster.
let forced = try payloadThroughput(payload, limits: WireLimits(minimumSavingsDivisor: Int.max, probeThreshold: .max))
// A class map made from the same raster (4 classes by brightness, as uint16): the kind of
// payload (masks, classifications) where LZ4 pays.
var classes = ByteBufferAllocator().buffer(capacity: mebibyte)
for i in stride(from: 0, to: mebibyte, by: 2) {
    let value = UInt16(raster[i]) | UInt16(raster[i + 1]) << 8
    classes.writeInteger(UInt16(value / 2600), endianness: .little)
}
let classMap = try payloadThroughput(classes, limits: WireLimits())
checksum &+= plain.sum &+ lz4.sum &+ forced.sum &+ classMap.sum

/// 1 MiB payloads sealed: compressed first (by the policy), then sealed, opened, decompressed.
func sealedPayloadThroughput(_ payload: ByteBuffer, limits: WireLimits) throws -> (
    gbps: Double, wireBytes: Int, sum: Int
) {
    let key = SymmetricKey(size: .bits256)
    var sealer = FrameSealer(key: key, limits: limits)
    var opener = FrameOpener(key: key, limits: limits)
    var sum = 0
    var out = ByteBufferAllocator().buffer(capacity: 2 * mebibyte)
    var wireBytes = 0
    let elapsed = try best {
        for _ in 0..<payloadRounds {
            out.clear()
            try FrameCodec.encode(type: 19, into: &out, sealer: &sealer, limits: limits) { target in
                var copy = payload
                target.writeBuffer(&copy)
            }
            wireBytes = out.readableBytes
            guard let frame = try FrameCodec.decode(from: &out, opener: &opener, limits: limits) else {
                fatalError("no frame")
            }
            sum &+= frame.payload.readableBytes
        }
    }
    return (Double(payloadRounds * mebibyte) / elapsed / 1e9, wireBytes, sum)
}
let sealedPlain = try sealedPayloadThroughput(payload, limits: WireLimits(compressionThreshold: .max))
let sealedLZ4 = try sealedPayloadThroughput(payload, limits: WireLimits())
let sealedClassMap = try sealedPayloadThroughput(classes, limits: WireLimits())
checksum &+= sealedPlain.sum &+ sealedLZ4.sum &+ sealedClassMap.sum

let aeads = try AEADComparison.run(raster: raster, smallSize: averageSmallBytes - FrameHeader.size)

// MARK: References on the same bytes

var copyTarget = [UInt8](repeating: 0, count: mebibyte)
let memcpySeconds = best {
    for _ in 0..<payloadRounds {
        copyTarget.withUnsafeMutableBytes { destination in
            raster.withUnsafeBytes { source in _ = memcpy(destination.baseAddress!, source.baseAddress!, mebibyte) }
        }
        checksum &+= Int(copyTarget[Int(checksum & 0xFFFF)])
    }
}
let memcpyGBps = Double(payloadRounds * mebibyte) / memcpySeconds / 1e9

// Raw liblz4 compress+decompress of the same bytes: the ceiling for the LZ4 path.
var compressed = [CChar](repeating: 0, count: Int(LZ4_compressBound(Int32(mebibyte))))
var restored = [CChar](repeating: 0, count: mebibyte)
var compressedSize: Int32 = 0
let rawLZ4Seconds = best {
    for _ in 0..<payloadRounds {
        raster.withUnsafeBytes { source in
            compressedSize = LZ4_compress_default(
                source.baseAddress!.assumingMemoryBound(to: CChar.self), &compressed, Int32(mebibyte),
                Int32(compressed.count))
        }
        checksum &+= Int(LZ4_decompress_safe(compressed, &restored, compressedSize, Int32(mebibyte)))
    }
}
let rawLZ4GBps = Double(payloadRounds * mebibyte) / rawLZ4Seconds / 1e9

let results: [String: Any] = [
    "small_messages_per_second": smallRate,
    "sealed_small_messages_per_second": sealedSmallRate,
    "sealed_payload_raw_gbps": sealedPlain.gbps,
    "sealed_payload_lz4_gbps": sealedLZ4.gbps,
    "sealed_class_map_lz4_gbps": sealedClassMap.gbps,
    "aead_comparison": aeads.map {
        [
            "name": $0.name, "small_seal_open_nanoseconds": $0.smallNanoseconds,
            "mebibyte_seal_open_gbps": $0.mebibyteGBps,
        ]
    },
    "small_message_average_frame_bytes": averageSmallBytes,
    "payload_bytes": mebibyte,
    "payload_source": payloadPath ?? "synthetic",
    "payload_raw_gbps": plain.gbps,
    "payload_lz4_gbps": lz4.gbps,
    "payload_lz4_wire_bytes": lz4.wireBytes,
    "payload_forced_lz4_gbps": forced.gbps,
    "payload_forced_lz4_wire_bytes": forced.wireBytes,
    "class_map_lz4_gbps": classMap.gbps,
    "class_map_lz4_wire_bytes": classMap.wireBytes,
    "memcpy_gbps": memcpyGBps,
    "liblz4_roundtrip_gbps": rawLZ4GBps,
    "checksum": checksum,
]

print(
    String(
        format: "small messages (encode+decode, one core): %.2f M/s (goal >= 2 M/s), %d bytes per frame",
        smallRate / 1e6, averageSmallBytes))
print(
    String(
        format:
            "small messages sealed (encode+seal+open+decode, one core): %.2f M/s (goal >= 1.5 M/s), %d bytes per frame",
        sealedSmallRate / 1e6, averageSmallBytes + 16))
print(String(format: "1 MiB raster, no LZ4:           %.2f GB/s", plain.gbps))
func line(_ label: String, _ result: (gbps: Double, wireBytes: Int, sum: Int)) {
    print(
        String(
            format: "%@ %.2f GB/s, %d -> %d bytes on the wire (ratio %.2f)", label, result.gbps, mebibyte,
            result.wireBytes, Double(mebibyte) / Double(result.wireBytes)))
}
line("1 MiB raster, LZ4 policy on:   ", lz4)
line("1 MiB raster, LZ4 forced:      ", forced)
line("1 MiB class map, LZ4 policy on:", classMap)
line("1 MiB raster, no LZ4, sealed:  ", sealedPlain)
line("1 MiB raster, LZ4 on, sealed:  ", sealedLZ4)
line("1 MiB class map, LZ4, sealed:  ", sealedClassMap)
print(String(format: "memcpy of the same 1 MiB:       %.2f GB/s", memcpyGBps))
print(String(format: "liblz4 compress+decompress:     %.2f GB/s (raster)", rawLZ4GBps))
print("AEADs, one seal + one open (\(averageSmallBytes - FrameHeader.size)-byte payload; the 1 MiB raster):")
for figure in aeads {
    print(
        String(
            format: "  %@ %6.0f ns small   %6.2f GB/s 1 MiB",
            figure.name.padding(toLength: 42, withPad: " ", startingAt: 0), figure.smallNanoseconds,
            figure.mebibyteGBps))
}
if let jsonPath {
    let data = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: jsonPath))
}
