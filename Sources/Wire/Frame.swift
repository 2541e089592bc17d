import NIOCore

/// One decoded frame: its message type and its payload, already decompressed.
public struct Frame: Equatable, Sendable {
    public var type: UInt16
    public var payload: ByteBuffer

    public init(type: UInt16, payload: ByteBuffer) {
        self.type = type
        self.payload = payload
    }
}
