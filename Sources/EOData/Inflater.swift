import CZlib

/// Pulls the uncompressed bytes of a gzip stream (one or more members, as Python's `gzip`
/// reads them) piece by piece into buffers the caller owns, so a decoder can inflate straight
/// into its output array with no intermediate copy of the whole file.
final class Inflater {
    private let compressed: [UInt8]
    private let location: String
    private var stream = z_stream()
    private var offset = 0
    private var finished = false

    init(_ compressed: [UInt8], location: String) throws(EODataError) {
        self.compressed = compressed
        self.location = location
        guard grow_inflate_init_gzip(&stream) == Z_OK else {
            throw EODataError(location, "cannot start gzip decompression (zlib init failed)")
        }
    }

    deinit {
        inflateEnd(&stream)
    }

    /// Most bytes the rest of the stream could inflate to (deflate's best ratio is 1032:1, plus
    /// slack for a match zlib has decoded but not yet copied out), to refuse a header that
    /// promises more before allocating for it.
    var maxOutput: Int {
        let (bound, overflow) = (compressed.count - offset).multipliedReportingOverflow(by: 1032)
        return overflow || bound > Int.max - (1 << 16) ? Int.max : bound + (1 << 16)
    }

    /// Fills `buffer` entirely unless the stream ends first; returns the bytes written.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(EODataError) -> Int {
        var filled = 0
        while filled < buffer.count, !finished {
            filled += try step(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
        }
        return filled
    }

    /// The whole decompressed content of a small file (JSON), refusing more than `limit` bytes.
    static func inflateAll(_ compressed: [UInt8], location: String, limit: Int) throws(EODataError) -> [UInt8] {
        guard compressed.count >= 2, compressed[0] == 0x1F, compressed[1] == 0x8B else {
            throw EODataError(location, "bad gzip data: not a gzip file (expected the bytes 1f 8b at its start)")
        }
        let inflater = try Inflater(compressed, location: location)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let filled = try chunk.withUnsafeMutableBytes { raw in
                Result { () throws(EODataError) -> Int in try inflater.read(into: raw) }
            }.get()
            output.append(contentsOf: chunk[0..<filled])
            if output.count > limit { throw EODataError(location, "larger than \(limit) bytes when decompressed") }
            if filled < chunk.count { return output }
        }
    }

    /// Whether decompressed data remains after what has been read (more than a header promised).
    func hasMore() throws(EODataError) -> Bool {
        var byte: UInt8 = 0
        return try withUnsafeMutableBytes(of: &byte) { (raw) throws(EODataError) -> Bool in try read(into: raw) > 0 }
    }

    private func step(into buffer: UnsafeMutableRawBufferPointer) throws(EODataError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let chunk = min(buffer.count, Int(UInt32.max))
        let available = compressed.count - offset
        if available == 0 {
            throw EODataError(location, "truncated gzip data: the compressed stream ends before its end marker")
        }
        let inputChunk = min(available, Int(UInt32.max))
        let (status, consumed, produced) = compressed.withUnsafeBytes { input in
            // zlib's next_in is not const but inflate never writes through it.
            stream.next_in = UnsafeMutablePointer(
                mutating: input.bindMemory(to: Bytef.self).baseAddress?.advanced(by: offset))
            stream.avail_in = uInt(inputChunk)
            stream.next_out = base.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(chunk)
            let status = inflate(&stream, Z_NO_FLUSH)
            let consumed = inputChunk - Int(stream.avail_in)
            let produced = chunk - Int(stream.avail_out)
            stream.next_in = nil
            stream.next_out = nil
            return (status, consumed, produced)
        }
        offset += consumed
        switch status {
        case Z_OK:
            if consumed == 0, produced == 0 {
                throw EODataError(location, "truncated gzip data: the compressed stream ends before its end marker")
            }
        case Z_STREAM_END:
            // Another gzip member may follow (concatenated .gz files are one stream to Python).
            if offset < compressed.count, compressed[offset...].contains(where: { $0 != 0 }) {
                guard inflateReset(&stream) == Z_OK else {
                    throw EODataError(location, "cannot continue gzip decompression")
                }
            } else {
                finished = true
            }
        case Z_BUF_ERROR:
            throw EODataError(location, "truncated gzip data: the compressed stream ends before its end marker")
        default:
            let detail = stream.msg.map { String(cString: $0) } ?? "error \(status)"
            throw EODataError(location, "bad gzip data: \(detail)")
        }
        return produced
    }
}
