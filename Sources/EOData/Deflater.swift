import CZlib

/// Compresses pieces of input into one gzip stream (what Python's `gzip.GzipFile` writes), so
/// an encoder can feed an array's bytes straight from its storage without first building the
/// uncompressed file.
final class Deflater {
    private var stream = z_stream()
    private(set) var output: [UInt8] = []
    private let location: String

    /// `level` 1 is what eo-learn uses for features (fast, most of the gain on EO rasters).
    init(level: Int32 = 1, location: String) throws(EODataError) {
        self.location = location
        guard grow_deflate_init_gzip(&stream, level) == Z_OK else {
            throw EODataError(location, "cannot start gzip compression (zlib init failed, level \(level))")
        }
    }

    deinit {
        deflateEnd(&stream)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(EODataError) {
        var offset = 0
        // avail_in is 32 bits: feed large arrays in pieces.
        while offset < bytes.count {
            let piece = min(bytes.count - offset, 1 << 30)
            try run(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + piece]), flush: Z_NO_FLUSH)
            offset += piece
        }
    }

    /// Ends the stream (gzip trailer with CRC-32 and size) and returns the compressed bytes.
    func finish() throws(EODataError) -> [UInt8] {
        try run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH)
        return output
    }

    private func run(_ input: UnsafeRawBufferPointer, flush: Int32) throws(EODataError) {
        stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(input.count)
        defer { stream.next_in = nil }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let (status, produced) = chunk.withUnsafeMutableBytes { raw in
                stream.next_out = raw.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(raw.count)
                let status = deflate(&stream, flush)
                let produced = raw.count - Int(stream.avail_out)
                stream.next_out = nil
                return (status, produced)
            }
            output.append(contentsOf: chunk[0..<produced])
            switch status {
            case Z_STREAM_END: return
            case Z_OK, Z_BUF_ERROR:
                // Done with this input once it is all taken and the chunk did not come back full.
                if flush == Z_NO_FLUSH, stream.avail_in == 0, produced < chunk.count { return }
                if status == Z_BUF_ERROR, produced == 0 {
                    throw EODataError(location, "gzip compression made no progress (zlib buffer error)")
                }
            default:
                throw EODataError(location, "gzip compression failed (zlib error \(status))")
            }
        }
    }
}
