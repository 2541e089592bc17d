import NIOCore

/// One finished tile.
public struct TileResult: WireRecord, Equatable {
    public var job: UInt32
    public var index: UInt32
    public var attempt: UInt32
    public var durationMicros: UInt64
    /// A short summary for the records (e.g. the output written); may be empty.
    public var detail: String

    public init(job: UInt32, index: UInt32, attempt: UInt32, durationMicros: UInt64, detail: String) {
        self.job = job
        self.index = index
        self.attempt = attempt
        self.durationMicros = durationMicros
        self.detail = detail
    }

    public init(from reader: inout WireReader) throws(WireError) {
        job = try reader.uint32("TileResult.job")
        index = try reader.uint32("TileResult.index")
        attempt = try reader.uint32("TileResult.attempt")
        durationMicros = try reader.varint("TileResult.durationMicros")
        detail = try reader.string("TileResult.detail")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(job)
        buffer.writeVarint(index)
        buffer.writeVarint(attempt)
        buffer.writeVarint(durationMicros)
        buffer.writeLengthPrefixedString(detail)
    }
}

/// One failed tile: the error text (e.g. the tail of stderr) and whether a retry may help.
public struct TileFailure: WireRecord, Equatable {
    public var job: UInt32
    public var index: UInt32
    public var attempt: UInt32
    public var durationMicros: UInt64
    public var retryable: Bool
    public var error: String

    public init(job: UInt32, index: UInt32, attempt: UInt32, durationMicros: UInt64, retryable: Bool, error: String) {
        self.job = job
        self.index = index
        self.attempt = attempt
        self.durationMicros = durationMicros
        self.retryable = retryable
        self.error = error
    }

    public init(from reader: inout WireReader) throws(WireError) {
        job = try reader.uint32("TileFailure.job")
        index = try reader.uint32("TileFailure.index")
        attempt = try reader.uint32("TileFailure.attempt")
        durationMicros = try reader.varint("TileFailure.durationMicros")
        retryable = try reader.bool("TileFailure.retryable")
        error = try reader.string("TileFailure.error")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(job)
        buffer.writeVarint(index)
        buffer.writeVarint(attempt)
        buffer.writeVarint(durationMicros)
        buffer.writeBool(retryable)
        buffer.writeLengthPrefixedString(error)
    }
}

/// Worker → head: a batch of finished tiles.
public struct TileDone: WireRecord, Equatable {
    public var results: [TileResult]

    public init(results: [TileResult]) { self.results = results }

    public init(from reader: inout WireReader) throws(WireError) {
        results = try reader.list("TileDone.results")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeList(results)
    }
}

/// Worker → head: a batch of failed tiles.
public struct TileFailed: WireRecord, Equatable {
    public var failures: [TileFailure]

    public init(failures: [TileFailure]) { self.failures = failures }

    public init(from reader: inout WireReader) throws(WireError) {
        failures = try reader.list("TileFailed.failures")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeList(failures)
    }
}
