#if canImport(Glibc)
    import Glibc
#endif

/// What a request sends as its body.
enum RequestBody {
    case none
    case bytes(ArraySlice<UInt8>)
    /// `length` bytes of an open file from `offset`, read as curl asks for them (never whole).
    case file(descriptor: Int32, offset: UInt64, length: UInt64)

    var length: UInt64 {
        switch self {
        case .none: 0
        case .bytes(let bytes): UInt64(bytes.count)
        case .file(_, _, let length): length
        }
    }
}

/// Where a successful (2xx) response body goes. Error bodies always go to memory.
enum ResponseSink {
    case memory
    /// Written with pwrite from `offset` on: the caller owns the descriptor.
    case file(descriptor: Int32, offset: UInt64)
    case discard
}

/// One HTTP request, fully formed: URL in canonical form, headers beyond those the client adds.
struct HTTPRequest {
    var method: String
    var url: String
    var headers: [(String, String)] = []
    var body: RequestBody = .none
    var sink: ResponseSink = .memory
}

struct HTTPResponse {
    var status: Int
    /// Lower-cased names.
    var headers: [String: String]
    /// The body when the sink is memory, or the error body of a non-2xx answer.
    var body: [UInt8]
    /// Body bytes written to a file sink.
    var bytesToFile: UInt64
}

/// How one try ended, before any S3 interpretation.
enum TransportResult {
    case response(HTTPResponse)
    /// curl failed (no or partial answer); `text` is curl's description.
    case transport(code: Int, text: String)
    /// A local file could not be read or written.
    case local(String)
}
