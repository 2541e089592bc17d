/// Size limits and the compression policy of one connection.
public struct WireLimits: Sendable, Equatable {
    /// Largest payload (compressed or not) a peer may send; checked before anything is allocated.
    public var maxFrameSize: Int
    /// Payloads smaller than this are never compressed: LZ4 cannot win enough on them to pay.
    public var compressionThreshold: Int
    /// Compression is kept only when it saves at least 1/`minimumSavingsDivisor` of the payload.
    /// The default, a quarter, is where LZ4 pays on a 1 Gbit/s link: compressing a MiB of
    /// hard-to-compress raster costs ~3 ms on one core, sending it ~8 ms, so saving less than
    /// about a quarter of the bytes loses time.
    public var minimumSavingsDivisor: Int
    /// Payloads of at least this size are first probed: a slice of `probeSize` bytes is
    /// compressed, and if that does not pay, the whole payload is sent raw without trying.
    public var probeThreshold: Int
    public var probeSize: Int
    /// Frames one direction of a connection may seal under its session key. The frame number is
    /// the nonce, so the connection must close before it could wrap; a new one has new keys.
    public var sealedFramesPerKey: UInt64
    /// Bytes (payloads and tags) one direction may seal under its key. AES-GCM's safety margin
    /// shrinks with the data sealed under one key; 2^36 bytes (64 GiB) keeps an attacker's
    /// advantage below 2^-60 (RFC 8446 §5.5 sets its limit for TLS the same way).
    public var sealedBytesPerKey: UInt64

    public static let defaultMaxFrameSize = 64 << 20

    public init(
        maxFrameSize: Int = WireLimits.defaultMaxFrameSize,
        compressionThreshold: Int = 1024,
        minimumSavingsDivisor: Int = 4,
        probeThreshold: Int = 64 << 10,
        probeSize: Int = 16 << 10,
        sealedFramesPerKey: UInt64 = UInt64.max,
        sealedBytesPerKey: UInt64 = 1 << 36
    ) {
        self.maxFrameSize = maxFrameSize
        self.compressionThreshold = compressionThreshold
        self.minimumSavingsDivisor = minimumSavingsDivisor
        self.probeThreshold = probeThreshold
        self.probeSize = probeSize
        self.sealedFramesPerKey = sealedFramesPerKey
        self.sealedBytesPerKey = sealedBytesPerKey
    }

    /// The largest compressed size that still pays for `rawLength` bytes.
    func compressionLimit(rawLength: Int) -> Int {
        rawLength - rawLength / max(minimumSavingsDivisor, 2)
    }

    public static let `default` = WireLimits()
}
