/// Size limits and the compression policy of one connection.
public struct WireLimits: Sendable, Equatable {
    /// Largest payload (compressed or not) a peer may send; checked before anything is allocated.
    public var maxFrameSize: Int
    /// Payloads smaller than this are never compressed: LZ4 cannot win enough on them to pay.
    public var compressionThreshold: Int
    /// Compression is kept only when it saves at least 1/`minimumSavingsDivisor` of the payload.
    public var minimumSavingsDivisor: Int

    public static let defaultMaxFrameSize = 64 << 20

    public init(
        maxFrameSize: Int = WireLimits.defaultMaxFrameSize,
        compressionThreshold: Int = 1024,
        minimumSavingsDivisor: Int = 16
    ) {
        self.maxFrameSize = maxFrameSize
        self.compressionThreshold = compressionThreshold
        self.minimumSavingsDivisor = minimumSavingsDivisor
    }

    public static let `default` = WireLimits()
}
