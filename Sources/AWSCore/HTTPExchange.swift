#if canImport(Glibc)
    import Glibc
#endif

/// What a request sends as its body.
package enum RequestBody: @unchecked Sendable {
    case none
    case bytes(ArraySlice<UInt8>)
    /// `length` bytes of an open file from `offset`, read as curl asks for them (never whole).
    case file(descriptor: Int32, offset: UInt64, length: UInt64)

    package var length: UInt64 {
        switch self {
        case .none: 0
        case .bytes(let bytes): UInt64(bytes.count)
        case .file(_, _, let length): length
        }
    }
}

/// Where a successful (2xx) response body goes. Error bodies always go to memory.
package enum ResponseSink: Sendable {
    case memory
    /// Written with pwrite from `offset` on: the caller owns the descriptor.
    case file(descriptor: Int32, offset: UInt64)
    case discard
}

/// One HTTP request, fully formed: URL in canonical form, headers beyond those the client adds.
package struct HTTPRequest {
    package var method: String
    package var url: String
    package var headers: [(String, String)] = []
    package var body: RequestBody = .none
    package var sink: ResponseSink = .memory

    package init(
        method: String, url: String, headers: [(String, String)] = [], body: RequestBody = .none,
        sink: ResponseSink = .memory
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.sink = sink
    }
}

package struct HTTPResponse: Sendable {
    package var status: Int
    /// Lower-cased names.
    package var headers: [String: String]
    /// The body when the sink is memory, or the error body of a non-2xx answer.
    package var body: [UInt8]
    /// Body bytes written to a file sink.
    package var bytesToFile: UInt64

    package init(status: Int, headers: [String: String], body: [UInt8], bytesToFile: UInt64 = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bytesToFile = bytesToFile
    }
}

/// How one try ended, before any service's interpretation.
package enum TransportResult {
    case response(HTTPResponse)
    /// curl failed (no or partial answer); `text` is curl's description.
    case transport(code: Int, text: String)
    /// A local file could not be read or written.
    case local(String)
}
