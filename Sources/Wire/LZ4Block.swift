import CLZ4
import NIOCore

/// LZ4 block format over ByteBuffers. Frames carry the raw size in their header, so the block
/// format (no LZ4 frame header, no checksum) is all that is needed.
enum LZ4Block {
    /// Compresses `source` and appends the result to `destination` if it comes out at most
    /// `limit` bytes; returns false (leaving `destination` as it was) when it would not.
    static func compress(_ source: UnsafeRawBufferPointer, appendingTo destination: inout ByteBuffer, limit: Int)
        -> Bool
    {
        guard source.count > 0, source.count <= Int(LZ4_MAX_INPUT_SIZE), limit > 0 else { return false }
        var written = 0
        destination.writeWithUnsafeMutableBytes(minimumWritableBytes: limit) { output in
            let produced = LZ4_compress_default(
                source.baseAddress!.assumingMemoryBound(to: CChar.self),
                output.baseAddress!.assumingMemoryBound(to: CChar.self),
                Int32(source.count),
                Int32(limit)
            )
            written = Int(max(produced, 0))
            return written
        }
        return written > 0
    }

    /// Decompresses `source` into exactly `rawLength` bytes.
    static func decompress(_ source: ByteBufferView, rawLength: Int, allocator: ByteBufferAllocator) throws(WireError)
        -> ByteBuffer
    {
        var output = allocator.buffer(capacity: rawLength + 1)
        if rawLength == 0 {
            guard source.isEmpty else { throw .corruptCompressedPayload }
            return output
        }
        var result: Int32 = -1
        _ = source.withUnsafeBytes { input in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: rawLength + 1) { out in
                guard let inBase = input.baseAddress, input.count > 0 else { return 0 }
                // Ask for one byte more than declared, so a block that expands past the header's
                // raw length is detected as a size mismatch rather than silently cut.
                let capacity = rawLength + 1
                result = LZ4_decompress_safe(
                    inBase.assumingMemoryBound(to: CChar.self),
                    out.baseAddress!.assumingMemoryBound(to: CChar.self),
                    Int32(input.count),
                    Int32(capacity)
                )
                return Int(max(result, 0))
            }
        }
        guard result >= 0 else { throw .corruptCompressedPayload }
        guard Int(result) == rawLength else {
            throw .decompressedSizeMismatch(expected: UInt32(rawLength), actual: Int(result))
        }
        return output
    }
}
