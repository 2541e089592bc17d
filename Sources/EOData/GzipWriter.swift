import CDeflate
import Dispatch
import Synchronization

/// gzip as eo-learn writes it (level 1), made with libdeflate: the bytes are cut into pieces of
/// `pieceSize` compressed side by side on their own threads, each a gzip member of its own.
/// Concatenated members are one gzip stream to Python's `gzip` (and to grow's `Inflater`); the
/// cost is about 20 bytes a piece and no back-references across pieces.
enum GzipWriter {
    static let pieceSize = 4 << 20

    /// The gzip stream of the concatenated `parts` (a header and the array's storage: no copy
    /// of the array is made to join them).
    static func compress(_ parts: [UnsafeRawBufferPointer], level: Int32 = 1, location: String)
        throws(EODataError) -> [UInt8]
    {
        // Small parts go in one member; large ones are cut.
        var pieces: [UnsafeRawBufferPointer] = []
        for part in parts {
            var offset = 0
            repeat {
                let end = min(offset + pieceSize, part.count)
                pieces.append(UnsafeRawBufferPointer(rebasing: part[offset..<end]))
                offset = end
            } while offset < part.count
        }
        var outputs = [[UInt8]?](repeating: nil, count: pieces.count)
        if pieces.count == 1 {
            outputs[0] = member(pieces[0], level: level)
        } else {
            // Each iteration reads its own piece and writes its own slot; concurrentPerform
            // returns only when all are done, so nothing is shared while they run.
            nonisolated(unsafe) let pieces = pieces
            let results = Mutex(outputs)
            DispatchQueue.concurrentPerform(iterations: pieces.count) { index in
                let compressed = member(pieces[index], level: level)
                results.withLock { $0[index] = compressed }
            }
            outputs = results.withLock { $0 }
        }
        var stream: [UInt8] = []
        for output in outputs {
            guard let output else { throw EODataError(location, "gzip compression failed (libdeflate)") }
            stream += output
        }
        return stream
    }

    /// One gzip member of `bytes`; nil when libdeflate cannot allocate its compressor.
    private static func member(_ bytes: UnsafeRawBufferPointer, level: Int32) -> [UInt8]? {
        guard let compressor = libdeflate_alloc_compressor(level) else { return nil }
        defer { libdeflate_free_compressor(compressor) }
        let bound = libdeflate_gzip_compress_bound(compressor, bytes.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { raw in
            libdeflate_gzip_compress(compressor, bytes.baseAddress, bytes.count, raw.baseAddress, bound)
        }
        guard written > 0 else { return nil }
        output.removeLast(bound - written)
        return output
    }
}
