import CIsal

/// Pulls the uncompressed bytes of a gzip stream (one or more members, as Python's `gzip`
/// reads them) piece by piece into buffers the caller owns, so a decoder can inflate straight
/// into its output array with no intermediate copy of the whole file.
final class Inflater {
    private let compressed: [UInt8]
    private let location: String
    private let state: UnsafeMutableRawPointer
    private var offset = 0
    private var finished = false

    init(_ compressed: [UInt8], location: String) throws(EODataError) {
        self.compressed = compressed
        self.location = location
        guard let state = grow_isal_inflater_new() else {
            throw EODataError(location, "cannot start gzip decompression (out of memory)")
        }
        self.state = state
    }

    deinit {
        grow_isal_inflater_free(state)
    }

    /// Most bytes the rest of the stream could inflate to (deflate's best ratio is 1032:1, plus
    /// slack for a match decoded but not yet copied out), to refuse a header that
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
        var consumed: UInt32 = 0
        var produced: UInt32 = 0
        let status = compressed.withUnsafeBytes { input in
            grow_isal_inflate(
                state, input.bindMemory(to: UInt8.self).baseAddress?.advanced(by: offset), UInt32(inputChunk),
                base.assumingMemoryBound(to: UInt8.self), UInt32(chunk), &consumed, &produced)
        }
        offset += Int(consumed)
        switch status {
        case 0:
            if consumed == 0, produced == 0 {
                throw EODataError(location, "truncated gzip data: the compressed stream ends before its end marker")
            }
        case 1:
            // Another gzip member may follow (concatenated .gz files are one stream to Python).
            if offset < compressed.count, compressed[offset...].contains(where: { $0 != 0 }) {
                grow_isal_inflater_reset(state)
            } else {
                finished = true
            }
        case ISAL_INCORRECT_CHECKSUM:
            throw EODataError(location, "bad gzip data: incorrect data check")
        case ISAL_INVALID_WRAPPER, ISAL_UNSUPPORTED_METHOD:
            throw EODataError(location, "bad gzip data: not a gzip member here")
        default:
            throw EODataError(location, "bad gzip data: invalid deflate stream (ISA-L error \(status))")
        }
        return Int(produced)
    }
}
