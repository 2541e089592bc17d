/// A per-observation mask and what a set value means: a cloud mask marks what to drop, a
/// `dataMask`/`IS_DATA` marks what to keep.
public struct ObservationMask: Sendable {
    public enum Meaning: Sendable {
        /// Nonzero marks a valid observation (dataMask, IS_DATA).
        case validWhereSet
        /// Nonzero marks an invalid one (CLM cloud mask, snow, saturation).
        case invalidWhereSet
    }

    enum Storage: Sendable {
        case bytes(NDArray<UInt8>)
        case bools(NDArray<Bool>)
    }

    let storage: Storage
    public let meaning: Meaning

    public init(_ mask: NDArray<UInt8>, meaning: Meaning) {
        self.storage = .bytes(mask)
        self.meaning = meaning
    }

    public init(_ mask: NDArray<Bool>, meaning: Meaning) {
        self.storage = .bools(mask)
        self.meaning = meaning
    }

    var shape: [Int] {
        switch storage {
        case .bytes(let mask): mask.shape
        case .bools(let mask): mask.shape
        }
    }

    func withBytes<R>(_ body: (UnsafePointer<UInt8>) -> R) -> R {
        switch storage {
        case .bytes(let mask): mask.withMaskBytes(body)
        case .bools(let mask): mask.withMaskBytes(body)
        }
    }
}

extension Kernels {
    /// When a pixel counts as nodata in a multi-channel stack.
    public enum NodataRule: Sendable {
        /// A pixel is nodata when any of its channels holds the nodata value (the safe choice
        /// for indices: one missing band spoils NDVI).
        case anyChannel
        /// Only when all of its channels hold it (a warp's fill outside the footprint).
        case allChannels
    }

    /// The T×H×W×1 valid-data mask of a T×H×W×C stack: valid where the pixel is not nodata
    /// (by `rule`; a NaN in a Float32 stack always counts as nodata) and every observation mask
    /// says valid. With `nodata` nil only NaNs and the masks decide.
    public static func validDataMask<T: BandElement>(
        _ data: NDArray<T>, nodata: T?, rule: NodataRule = .anyChannel, masks: [ObservationMask] = [],
        threads: Int = 1
    ) throws(KernelError) -> NDArray<Bool> {
        let shape = try StackShape(data.shape, "valid-data mask")
        for (index, mask) in masks.enumerated() {
            try shape.checkMask(mask.shape, "valid-data mask: observation mask \(index + 1)")
        }
        let pixels = shape.times * shape.pixelsPerTime
        let storage = [Bool](unsafeUninitializedCapacity: pixels) { out, initialized in
            data.storage.withUnsafeBytes { raw in
                T.bandKind.dispatch(
                    NodataMask(
                        data: raw.start, nodata: nodata, rule: rule, out: out.start, shape: shape, threads: threads))
            }
            initialized = pixels
        }
        var result = NDArray(shape: shape.maskShape, storage: storage)
        for mask in masks {
            combine(&result, with: mask, threads: threads)
        }
        return result
    }

    /// The valid-data mask from observation masks alone (all of the same T×H×W×1 shape):
    /// valid where every mask says valid.
    public static func validDataMask(masks: [ObservationMask], threads: Int = 1) throws(KernelError) -> NDArray<Bool> {
        guard let first = masks.first else {
            throw KernelError("valid-data mask: no nodata value and no observation mask to build it from")
        }
        let shape = try StackShape(first.shape, "valid-data mask: observation mask 1")
        for (index, mask) in masks.enumerated() {
            try shape.checkMask(mask.shape, "valid-data mask: observation mask \(index + 1)")
        }
        var result = NDArray(shape: shape.maskShape, repeating: true)
        for mask in masks {
            combine(&result, with: mask, threads: threads)
        }
        return result
    }

    /// `valid &= mask says valid`, in place; shapes checked by the caller.
    private static func combine(_ valid: inout NDArray<Bool>, with mask: ObservationMask, threads: Int) {
        let keepWhereSet = mask.meaning == .validWhereSet
        let count = valid.count
        valid.storage.withUnsafeMutableBufferPointer { out in
            mask.withBytes { bytes in
                let out = out.start
                let block = 1 << 16
                RowChunks.run(rows: (count + block - 1) / block, threads: threads) { rows in
                    for i in (rows.lowerBound * block)..<min(count, rows.upperBound * block) {
                        out[i] = out[i] && ((bytes[i] != 0) == keepWhereSet)
                    }
                }
            }
        }
    }
}

private struct NodataMask<T: BandElement>: BandTypeVisitor {
    let data: UnsafeRawPointer
    let nodata: T?
    let rule: Kernels.NodataRule
    let out: UnsafeMutablePointer<Bool>
    let shape: StackShape
    let threads: Int

    func visit<S: Float32Convertible & BandElement>(_: S.Type) {
        let data = data.assumingMemoryBound(to: S.self)
        // T and S are the same type (dispatch chose S from T.bandKind).
        let nodata = nodata.flatMap { $0 as? S }
        let checkNodata = nodata != nil
        let nodataValue = nodata ?? .zero
        let (out, width, channels, anyChannel) = (out, shape.width, shape.channels, rule == .anyChannel)
        RowChunks.run(rows: shape.times * shape.height, threads: threads) { rows in
            let first = rows.lowerBound * width
            let x = data + first * channels
            let out = out + first
            for p in 0..<(rows.count * width) {
                let pixel = x + p * channels
                var anyMissing = false
                var allMissing = true
                for c in 0..<channels {
                    let value = pixel[c]
                    let missing = value.isNaNValue || (checkNodata && value == nodataValue)
                    anyMissing = anyMissing || missing
                    allMissing = allMissing && missing
                }
                out[p] = !(anyChannel ? anyMissing : allMissing)
            }
        }
    }
}
