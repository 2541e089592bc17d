import CIsal
import Dispatch
import Synchronization

/// gzip as eo-learn writes it (level 1), made with ISA-L: the bytes are cut into pieces of
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
            guard let output else { throw EODataError(location, "gzip compression failed (ISA-L)") }
            stream += output
        }
        return stream
    }

    /// One gzip member of `bytes` (ISA-L's levels: 0 to 3; above 3 means 3); nil on failure.
    private static func member(_ bytes: UnsafeRawBufferPointer, level: Int32) -> [UInt8]? {
        let bound = grow_isal_gzip_bound(bytes.count)
        var written = 0
        // Not zeroed first: ISA-L writes what it returns, and only that is kept.
        let output = [UInt8](unsafeUninitializedCapacity: bound) { raw, initialized in
            written = grow_isal_gzip(
                bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, raw.baseAddress, bound,
                min(max(level, 0), 3))
            initialized = written
        }
        return written > 0 ? output : nil
    }
}
