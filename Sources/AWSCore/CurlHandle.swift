import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// Per-transfer settings: timeouts in seconds, the TLS roots.
package struct TransferSettings: Sendable, Equatable {
    package var connectTimeout: Int
    /// A transfer slower than 1 byte/s for this long is abandoned (and retried).
    package var stallTimeout: Int
    package var caBundle: String?
    /// A cap on the whole transfer (seconds), for small calls that must fail fast (the instance
    /// metadata service); nil: none.
    package var totalTimeout: Int?

    package init(connectTimeout: Int, stallTimeout: Int, caBundle: String? = nil, totalTimeout: Int? = nil) {
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
        self.caBundle = caBundle
        self.totalTimeout = totalTimeout
    }
}

/// One curl easy handle. Used by one thread at a time (the pool hands it out); it keeps its
/// connections open between requests, so consecutive requests to one endpoint reuse them.
package final class CurlHandle {
    private let easy: UnsafeMutableRawPointer

    /// nil once libcurl is loaded and initialised, else why it cannot be (one line: what to
    /// install). libcurl is not linked but dlopen()ed here, on the first request, so processes
    /// that never talk to S3 do not map it and the ~30 libraries it pulls in.
    private static let unavailable: String? = {
        let failure = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 1024) { error in
            grow_curl_load(error.baseAddress, error.count) == 0 ? nil : String(cString: error.baseAddress!)
        }
        if let failure { return failure }
        let code = curl_global_init(Int(CURL_GLOBAL_ALL))
        return code == CURLE_OK ? nil : "libcurl failed to initialise: \(String(cString: curl_easy_strerror(code)))"
    }()

    /// Loads and initialises libcurl (once per process); every request calls this before any
    /// curl function. A missing libcurl is the machine's set-up, which no retry fixes: `.invalid`.
    package static func load() throws(AWSError) {
        if let unavailable { throw AWSError(.invalid, "", unavailable) }
    }

    package init?() {
        guard Self.unavailable == nil, let easy = curl_easy_init() else { return nil }
        self.easy = easy
    }

    deinit { curl_easy_cleanup(easy) }

    /// Performs `request` as it is (a signed request carries its signature in its headers, see
    /// `SigV4`); `progress` gets the number of body bytes moved since its last call (sent for
    /// uploads, received for downloads).
    package func perform(
        _ request: HTTPRequest, settings: TransferSettings, progress: ((UInt64) -> Void)? = nil
    ) -> TransportResult {
        curl_easy_reset(easy)
        let context = TransferContext(easy: easy, body: request.body, sink: request.sink, progress: progress)
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }

        var failed: CURLcode = CURLE_OK
        func set(_ code: CURLcode) { if code != CURLE_OK, failed == CURLE_OK { failed = code } }

        set(grow_curl_setopt_string(easy, CURLOPT_URL, request.url))
        set(grow_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        set(grow_curl_setopt_long(easy, CURLOPT_PATH_AS_IS, 1))
        set(grow_curl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        set(grow_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT, settings.connectTimeout))
        set(grow_curl_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, 1))
        set(grow_curl_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, settings.stallTimeout))
        set(grow_curl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        set(grow_curl_setopt_long(easy, CURLOPT_BUFFERSIZE, 256 << 10))
        set(grow_curl_setopt_long(easy, CURLOPT_UPLOAD_BUFFERSIZE, 1 << 20))
        if let caBundle = settings.caBundle { set(grow_curl_setopt_string(easy, CURLOPT_CAINFO, caBundle)) }
        if let total = settings.totalTimeout { set(grow_curl_setopt_long(easy, CURLOPT_TIMEOUT, total)) }
        for (name, value) in request.headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        if headerList != nil { set(grow_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)) }

        switch request.method {
        case "GET": set(grow_curl_setopt_long(easy, CURLOPT_HTTPGET, 1))
        case "HEAD": set(grow_curl_setopt_long(easy, CURLOPT_NOBODY, 1))
        case "PUT":
            set(grow_curl_setopt_long(easy, CURLOPT_UPLOAD, 1))
            set(grow_curl_setopt_off(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(request.body.length)))
        case "POST":
            set(grow_curl_setopt_long(easy, CURLOPT_POST, 1))
            set(grow_curl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.length)))
        default: set(grow_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method))
        }
        if request.method == "PUT" || request.method == "POST" {
            set(grow_curl_setopt_read_function(easy, TransferContext.read))
            set(grow_curl_setopt_pointer(easy, CURLOPT_READDATA, contextPointer))
            set(grow_curl_setopt_seek_function(easy, TransferContext.seek))
            set(grow_curl_setopt_pointer(easy, CURLOPT_SEEKDATA, contextPointer))
        }
        set(grow_curl_setopt_write_function(easy, TransferContext.write))
        set(grow_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, contextPointer))
        set(grow_curl_setopt_header_function(easy, TransferContext.header))
        set(grow_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, contextPointer))
        if failed != CURLE_OK {
            return .local("libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))")
        }

        let code = withExtendedLifetime(context) { curl_easy_perform(easy) }
        if let localError = context.localError { return .local(localError) }
        guard code == CURLE_OK else {
            return .transport(code: Int(code.rawValue), text: String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        _ = grow_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return .response(
            HTTPResponse(
                status: status, headers: context.headers, body: context.received, bytesToFile: context.bytesToFile))
    }
}

/// The state curl's callbacks work on during one transfer.
private final class TransferContext {
    let easy: UnsafeMutableRawPointer
    let body: RequestBody
    let sink: ResponseSink
    let progress: ((UInt64) -> Void)?
    /// Next body byte to send (relative to the body's start).
    var sendPosition: UInt64 = 0
    /// Bytes already reported as sent (a rewind re-sends without re-reporting).
    var reportedSent: UInt64 = 0
    var headers: [String: String] = [:]
    var received: [UInt8] = []
    var bytesToFile: UInt64 = 0
    var localError: String?
    /// Whether the status line said 2xx (decided at the first body byte).
    var successStatus: Bool?

    init(easy: UnsafeMutableRawPointer, body: RequestBody, sink: ResponseSink, progress: ((UInt64) -> Void)?) {
        self.easy = easy
        self.body = body
        self.sink = sink
        self.progress = progress
    }

    static func context(_ pointer: UnsafeMutableRawPointer?) -> TransferContext {
        Unmanaged<TransferContext>.fromOpaque(pointer!).takeUnretainedValue()
    }

    static let read: grow_curl_data_callback = { buffer, size, count, pointer in
        let context = TransferContext.context(pointer)
        guard let buffer else { return grow_curl_readfunc_abort() }
        let room = UInt64(size * count)
        let remaining = context.body.length - context.sendPosition
        let wanted = Int(min(room, remaining))
        if wanted == 0 { return 0 }
        switch context.body {
        case .none: return 0
        case .bytes(let bytes):
            let start = bytes.startIndex + Int(context.sendPosition)
            bytes[start..<(start + wanted)].withUnsafeBytes { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress!, byteCount: wanted)
            }
        case .file(let descriptor, let offset, _):
            var done = 0
            while done < wanted {
                let count = pread(
                    descriptor, buffer + done, wanted - done, off_t(offset + context.sendPosition) + off_t(done))
                if count < 0, errno == EINTR { continue }
                if count <= 0 {
                    context.localError =
                        count == 0
                        ? "the file ended early: it shrank while being uploaded"
                        : "cannot read the file: \(String(cString: strerror(errno)))"
                    return grow_curl_readfunc_abort()
                }
                done += count
            }
        }
        context.sendPosition += UInt64(wanted)
        if context.sendPosition > context.reportedSent {
            context.progress?(context.sendPosition - context.reportedSent)
            context.reportedSent = context.sendPosition
        }
        return wanted
    }

    static let seek: grow_curl_seek_callback = { pointer, offset, origin in
        let context = TransferContext.context(pointer)
        guard origin == SEEK_SET, offset >= 0, UInt64(offset) <= context.body.length else {
            return grow_curl_seekfunc_cantseek()
        }
        context.sendPosition = UInt64(offset)
        return grow_curl_seekfunc_ok()
    }

    static let write: grow_curl_data_callback = { buffer, size, count, pointer in
        let context = TransferContext.context(pointer)
        let length = size * count
        guard let buffer, length > 0 else { return 0 }
        if context.successStatus == nil {
            var status = 0
            _ = grow_curl_getinfo_long(context.easy, CURLINFO_RESPONSE_CODE, &status)
            context.successStatus = (200..<300).contains(status)
        }
        let raw = UnsafeRawBufferPointer(start: buffer, count: length)
        guard context.successStatus == true else {
            // An error document: keep the first MiB, which is plenty.
            if context.received.count < 1 << 20 { context.received += raw.prefix((1 << 20) - context.received.count) }
            return length
        }
        switch context.sink {
        case .memory:
            if context.received.isEmpty, let expected = context.headers["content-length"].flatMap(Int.init),
                expected > 0, expected < 1 << 34
            {
                context.received.reserveCapacity(expected)
            }
            context.received += raw
        case .file(let descriptor, let offset):
            var done = 0
            while done < length {
                let written = pwrite(
                    descriptor, buffer + done, length - done, off_t(offset + context.bytesToFile) + off_t(done))
                if written < 0, errno == EINTR { continue }
                if written <= 0 {
                    context.localError = "cannot write the file: \(String(cString: strerror(errno)))"
                    return 0
                }
                done += written
            }
            context.bytesToFile += UInt64(length)
        case .discard: break
        }
        context.progress?(UInt64(length))
        return length
    }

    static let header: grow_curl_data_callback = { buffer, size, count, pointer in
        let context = TransferContext.context(pointer)
        let length = size * count
        guard let buffer else { return length }
        let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new status line (after a 100 Continue): forget the interim headers.
            context.headers = [:]
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r\n")
            context.headers[name] = value
        }
        return length
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var view = self
        while let first = view.first, set.contains(first) { view.removeFirst() }
        while let last = view.last, set.contains(last) { view.removeLast() }
        return String(view)
    }
}
