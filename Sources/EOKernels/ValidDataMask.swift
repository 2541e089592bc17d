import EOData

/// A per-observation mask and what a set value means: a cloud mask marks what to drop, a
/// `dataMask`/`IS_DATA` marks what to keep.
package struct ObservationMask: Sendable {
    package enum Meaning: Sendable {
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
    package let meaning: Meaning

    package init(_ mask: NDArray<UInt8>, meaning: Meaning) {
        self.storage = .bytes(mask)
        self.meaning = meaning
    }

    package init(_ mask: NDArray<Bool>, meaning: Meaning) {
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
    package enum NodataRule: Sendable {
        /// A pixel is nodata when any of its channels holds the nodata value (the safe choice
        /// for indices: one missing band spoils NDVI).
        case anyChannel
        /// Only when all of its channels hold it (a warp's fill outside the footprint).
        case allChannels
    }

    /// The T×H×W×1 valid-data mask of a T×H×W×C stack: valid where the pixel is not nodata
    /// (by `rule`; a NaN in a Float32 stack always counts as nodata) and every observation mask
    /// says valid. With `nodata` nil only NaNs and the masks decide.
    package static func validDataMask<T: BandElement>(
        _ data: NDArray<T>, nodata: T?, rule: NodataRule = .anyChannel, masks: [ObservationMask] = [],
        threads: Int = 1
    ) throws(KernelError) -> NDArray<Bool> {
        let shape = try StackShape(data.shape, "valid-data mask")
        for (index, mask) in masks.enumerated() {
            try shape.checkMask(mask.shape, "valid-data mask: observation mask \(index + 1)")
        }
        var nodataValue: Float?
        if let nodata {
            guard let value = nodata.exactFloat32 else {
                throw KernelError("valid-data mask: nodata value \(nodata) of an unsupported band type \(T.self)")
            }
            nodataValue = value
        }
        let pixels = shape.times * shape.pixelsPerTime
        let storage = kernelOutput(count: pixels) { (out: UnsafeMutablePointer<Bool>) in
            data.storage.withUnsafeBytes { raw in
                T.bandKind.dispatch(
                    NodataMask(
                        data: raw.start, nodata: nodataValue, rule: rule, out: out, shape: shape, threads: threads))
            }
        }
        var result = NDArray(shape: shape.maskShape, storage: storage)
        for mask in masks {
            combine(&result, with: mask, threads: threads)
        }
        return result
    }

    /// The valid-data mask from observation masks alone (all of the same T×H×W×1 shape):
    /// valid where every mask says valid.
    package static func validDataMask(masks: [ObservationMask], threads: Int = 1) throws(KernelError) -> NDArray<Bool> {
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
                let out = out
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

/// Not generic over the nodata type, so `dispatch` specialises it per band type even when the
/// public entry point runs unspecialised: nodata travels as its exact Float32 value (every
/// UInt8, UInt16 and Int16 has one, so comparing as Float32 is comparing the values).
private struct NodataMask: BandTypeVisitor {
    let data: UnsafeRawPointer
    let nodata: Float?
    let rule: Kernels.NodataRule
    let out: UnsafeMutablePointer<Bool>
    let shape: StackShape
    let threads: Int

    func visit<S: Float32Convertible & BandElement>(_: S.Type) {
        let data = data.assumingMemoryBound(to: S.self)
        // Back to the band's own type (exact: it came from one), so integers compare as integers.
        let check = nodata != nil
        let nodataValue = S(exactFloat32: nodata ?? 0)
        let (out, width, channels, anyChannel) = (out, shape.width, shape.channels, rule == .anyChannel)
        RowChunks.run(rows: shape.times * shape.height, threads: threads) { rows in
            // Per row: which values are missing (a vectorised pass over W·C values), then per
            // pixel whether any or all of its C are.
            // 8 spare bytes: a pixel's flags are read as one 64-bit word (see below).
            let missing = UnsafeMutablePointer<UInt8>.allocate(capacity: width * channels + 8)
            missing.initialize(repeating: 0, count: width * channels + 8)
            defer { missing.deallocate() }
            // Up to 8 channels: a pixel's flags (0/1 bytes) in one little-endian word (x86-64 and
            // arm64 both are), masked to its C bytes.
            let word: UInt64 = channels >= 8 ? ~0 : (1 << (8 * UInt64(channels))) - 1
            let allSet = 0x0101_0101_0101_0101 & word
            for row in rows {
                let x = data + row * width * channels
                let out = out + row * width
                // Straight-line lane code (see Branchless.swift), so this vectorises.
                if check {
                    for i in 0..<(width * channels) {
                        let value = x[i]
                        missing[i] = UInt8(
                            truncatingIfNeeded: laneBit(value.isNaNValue) | laneBit(value == nodataValue))
                    }
                } else {
                    for i in 0..<(width * channels) {
                        missing[i] = UInt8(truncatingIfNeeded: laneBit(x[i].isNaNValue))
                    }
                }
                if channels == 1 {
                    for p in 0..<width { out[p] = missing[p] == 0 }
                } else if channels <= 8 {
                    let bytes = UnsafeRawPointer(missing)
                    for p in 0..<width {
                        let flags = bytes.loadUnaligned(fromByteOffset: p * channels, as: UInt64.self) & word
                        out[p] = anyChannel ? flags == 0 : flags != allSet
                    }
                } else if anyChannel {
                    for p in 0..<width {
                        var any: UInt8 = 0
                        for c in 0..<channels { any |= missing[p * channels + c] }
                        out[p] = any == 0
                    }
                } else {
                    for p in 0..<width {
                        var all: UInt8 = 1
                        for c in 0..<channels { all &= missing[p * channels + c] }
                        out[p] = all == 0
                    }
                }
            }
        }
    }
}
