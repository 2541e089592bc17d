import AWSCore
import Foundation
import GrowBase
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Progress of one transfer: bytes done so far and the total. Called from transfer threads.
package typealias TransferProgress = @Sendable (_ done: UInt64, _ total: UInt64) -> Void

/// An S3 client on libcurl: SigV4 signing (`SigV4`), retries with backoff and jitter, connection
/// reuse (a pool of curl handles), streaming transfers and multipart uploads. Blocking; safe to
/// use from many threads at once.
package final class S3Client: Sendable {
    package let config: S3Config
    let pool: HandlePool
    /// The keys to sign with, asked for on every try (the instance profile's are refreshed).
    let credentials: CredentialProvider
    /// Gets one line per retry and per failed cleanup (never a secret).
    let log: (@Sendable (String) -> Void)?

    package init(config: S3Config, log: (@Sendable (String) -> Void)? = nil) {
        self.config = config
        self.pool = HandlePool(keep: config.options.concurrency + 2)
        if config.credentials == nil, let endpoint = config.instanceMetadata {
            self.credentials = .instanceProfile(InstanceMetadataClient(endpoint: endpoint))
        } else {
            self.credentials = .fixed(config.credentials)
        }
        self.log = log
    }

    // MARK: Objects

    /// The whole object, or the bytes `range` of it (clamped to its end: a range past the end
    /// gives no bytes).
    package func getObject(_ uri: S3URI, range: Range<UInt64>? = nil) throws(S3Error) -> [UInt8] {
        var headers: [(String, String)] = []
        if let range {
            if range.isEmpty { return [] }
            let last = range.upperBound == UInt64.max ? "" : String(range.upperBound - 1)
            headers.append(("Range", "bytes=\(range.lowerBound)-\(last)"))
        }
        do throws(S3Error) {
            return try send(HTTPRequest(method: "GET", url: url(uri), headers: headers), uri).body
        } catch  where error.status == 416 {
            return []  // the range starts at or after the end
        }
    }

    /// Size, time and ETag of an object; nil when there is none.
    package func headObject(_ uri: S3URI) throws(S3Error) -> S3Object? {
        do throws(S3Error) {
            let response = try send(HTTPRequest(method: "HEAD", url: url(uri), sink: .discard), uri)
            return S3Object(
                key: uri.key, size: response.headers["content-length"].flatMap { UInt64($0) } ?? 0,
                lastModified: response.headers["last-modified"], etag: response.headers["etag"])
        } catch  where error.status == 404 && error.code == nil {
            return nil
        } catch  where error.code == nil && (error.status == 400 || error.status == 403) {
            // HEAD answers carry no error document: ask again with a GET for the reason.
            throw diagnosis(uri) ?? error
        }
    }

    /// The error a one-byte GET of `uri` gets (nil if it succeeds): S3's code and message for a
    /// HEAD that failed without them.
    func diagnosis(_ uri: S3URI) -> S3Error? {
        do throws(S3Error) {
            _ = try send(HTTPRequest(method: "GET", url: url(uri), headers: [("Range", "bytes=0-0")]), uri)
            return nil
        } catch {
            return error
        }
    }

    /// Writes `bytes` as the object, all or nothing (in parts above the multipart threshold).
    package func putObject(_ uri: S3URI, bytes: [UInt8], contentType: String? = nil) throws(S3Error) {
        if UInt64(bytes.count) > config.options.multipartThreshold {
            try multipartUpload(uri, size: UInt64(bytes.count), contentType: contentType, progress: nil) { range in
                .bytes(bytes[Int(range.lowerBound)..<Int(range.upperBound)])
            }
            return
        }
        var request = HTTPRequest(method: "PUT", url: url(uri), body: .bytes(bytes[...]), sink: .discard)
        if let contentType { request.headers.append(("Content-Type", contentType)) }
        _ = try send(request, uri)
    }

    /// Removes the object; a missing object is not an error (S3 answers 204 either way).
    package func deleteObject(_ uri: S3URI) throws(S3Error) {
        _ = try send(HTTPRequest(method: "DELETE", url: url(uri), sink: .discard), uri)
    }

    /// Copies an object within this endpoint: by the server (CopyObject) up to
    /// `maximumSingleCopy` (S3 allows 5 GiB); above it part by part through this machine
    /// (a ranged GET, then UploadPart; `concurrency` parts of `partSize` in memory at most).
    /// Not UploadPartCopy: curl 7.88 sorts the signed headers as `name:value` lines, which puts
    /// `x-amz-copy-source-range` before `x-amz-copy-source` and breaks the signature.
    package func copyObject(from source: S3URI, to destination: S3URI, progress: TransferProgress? = nil)
        throws(S3Error)
    {
        guard let info = try headObject(source) else {
            throw diagnosis(source)
                ?? S3Error(.notFound, "\(source) at \(config.endpoint)", "no such object (404)", status: 404)
        }
        if info.size <= config.options.maximumSingleCopy {
            let copySource = "/\(source.bucket)/\(AWSEncoding.encodePath(source.key))"
            let request = HTTPRequest(
                method: "PUT", url: url(destination), headers: [("x-amz-copy-source", copySource)])
            _ = try send(request, destination, embeddedErrors: true)
            progress?(info.size, info.size)
            return
        }
        let pin = info.etag.map { [("If-Match", $0)] } ?? []
        try multipartUpload(destination, size: info.size, contentType: nil, progress: progress) {
            range throws(S3Error) -> RequestBody in
            let request = HTTPRequest(
                method: "GET", url: self.url(source),
                headers: pin + [("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")])
            let bytes = try self.send(request, source).body
            guard bytes.count == range.count else {
                throw S3Error(
                    .failed, "\(source) at \(self.config.endpoint)",
                    "range \(range.lowerBound)-\(range.upperBound - 1) came back as \(bytes.count) bytes")
            }
            return .bytes(bytes[...])
        }
    }

    // MARK: Buckets

    package func createBucket(_ bucket: String) throws(S3Error) {
        var body: [UInt8] = []
        if config.region != "us-east-1" {
            body = Array(
                """
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <LocationConstraint>\(config.region)</LocationConstraint></CreateBucketConfiguration>
                """.utf8)
        }
        let uri = S3URI(bucket: bucket)
        _ = try send(HTTPRequest(method: "PUT", url: url(uri), body: .bytes(body[...]), sink: .discard), uri)
    }

    /// Sets the bucket's policy (a JSON document).
    package func putBucketPolicy(bucket: String, policy: String) throws(S3Error) {
        let uri = S3URI(bucket: bucket)
        let request = HTTPRequest(
            method: "PUT", url: config.endpoint.url(bucket: bucket, query: [("policy", "")]),
            headers: [("Content-Type", "application/json")], body: .bytes(Array(policy.utf8)[...]), sink: .discard)
        _ = try send(request, uri)
    }

    /// The bucket's policy as the server stores it.
    package func getBucketPolicy(bucket: String) throws(S3Error) -> String {
        let uri = S3URI(bucket: bucket)
        let response = try send(
            HTTPRequest(method: "GET", url: config.endpoint.url(bucket: bucket, query: [("policy", "")])), uri)
        return String(decoding: response.body, as: UTF8.self)
    }

    // MARK: Listing

    /// Every object under `prefix` (at any depth), in key order, fetched `pageSize` at a time.
    package func listObjects(bucket: String, prefix: String, pageSize: Int = 1000) throws(S3Error) -> [S3Object] {
        var all: [S3Object] = []
        try listObjects(bucket: bucket, prefix: prefix, pageSize: pageSize) { all += $0 }
        return all
    }

    /// Like `listObjects`, handing over each page as it arrives.
    package func listObjects(
        bucket: String, prefix: String, pageSize: Int = 1000, page: ([S3Object]) -> Void
    ) throws(S3Error) {
        let uri = S3URI(bucket: bucket, key: prefix)
        var token: String?
        repeat {
            var query: [(String, String)] = [("list-type", "2"), ("encoding-type", "url")]
            if !prefix.isEmpty { query.append(("prefix", prefix)) }
            if pageSize != 1000 { query.append(("max-keys", String(max(1, min(pageSize, 1000))))) }
            if let token { query.append(("continuation-token", token)) }
            let response = try send(
                HTTPRequest(method: "GET", url: config.endpoint.url(bucket: bucket, query: query)), uri)
            let decoded: ListPage
            do {
                decoded = try S3Responses.listPage(response.body)
            } catch {
                throw S3Error(.failed, "\(uri) at \(config.endpoint)", "unreadable listing: \(error)")
            }
            page(decoded.objects)
            if let next = decoded.continuationToken, next == token || next.isEmpty {
                throw S3Error(.failed, "\(uri) at \(config.endpoint)", "the listing repeats its continuation token")
            }
            token = decoded.continuationToken
        } while token != nil
    }

    /// Multipart uploads started and neither completed nor aborted (key, upload ID).
    package func pendingUploads(bucket: String, prefix: String = "") throws(S3Error) -> [(
        key: String, uploadID: String
    )] {
        var query = [("uploads", "")]
        if !prefix.isEmpty { query.append(("prefix", prefix)) }
        let uri = S3URI(bucket: bucket, key: prefix)
        let response = try send(HTTPRequest(method: "GET", url: config.endpoint.url(bucket: bucket, query: query)), uri)
        do {
            return try S3Responses.pendingUploads(response.body)
        } catch {
            throw S3Error(.failed, "\(uri) at \(config.endpoint)", "unreadable list of uploads: \(error)")
        }
    }

    // MARK: Requests

    func url(_ uri: S3URI, query: [(String, String)] = []) -> String {
        config.endpoint.url(bucket: uri.bucket, key: uri.key, query: query)
    }

    /// Sends `request` until it succeeds, fails for good, or runs out of tries. `embeddedErrors`:
    /// a 200 answer may still carry an `<Error>` (CompleteMultipartUpload, CopyObject).
    /// `progress` gets byte counts; the bytes of a failed try are taken back.
    func send(
        _ request: HTTPRequest, _ uri: S3URI, embeddedErrors: Bool = false, progress: TransferMeter? = nil
    ) throws(S3Error) -> HTTPResponse {
        try CurlHandle.load()
        let policy = config.options.retry
        let settings = TransferSettings(
            connectTimeout: config.options.connectTimeout, stallTimeout: config.options.stallTimeout,
            caBundle: config.caBundle)
        var attempt = 1
        while true {
            let credentials = try self.credentials.current()
            let context = S3ErrorText.Context(
                uri: uri, endpoint: config.endpoint, region: config.region, credentials: credentials,
                method: request.method)
            var signed = request
            if let credentials {
                signed.headers += SigV4.headers(
                    method: request.method, url: request.url, headers: request.headers,
                    payloadHash: SigV4.unsignedPayload, credentials: credentials, region: config.region, service: "s3",
                    unixSeconds: Int(Clock.unixMs() / 1000))
            }
            let moved = Mutex<UInt64>(0)
            let result =
                pool.withHandle { handle in
                    handle.perform(signed, settings: settings) { count in
                        moved.withLock { $0 += count }
                        progress?.add(count)
                    }
                } ?? .local("libcurl could not create a handle")
            let outcome: RetryPolicy.Outcome
            let error: S3Error
            switch result {
            case .response(let response):
                let body = S3Responses.error(response.body)
                if (200..<300).contains(response.status) {
                    guard embeddedErrors, let body else { return response }
                    // An error inside a 200: S3 failed after it had started answering.
                    outcome = .answered(status: 500, code: body.code)
                    error = S3ErrorText.answer(status: 500, body: body, headers: response.headers, context)
                } else {
                    outcome = .answered(status: response.status, code: body?.code)
                    error = S3ErrorText.answer(status: response.status, body: body, headers: response.headers, context)
                }
            case .transport(let code, let text):
                outcome = AWSErrorText.userTransportCodes.contains(code) ? .localFailure : .transportFailure
                error = S3ErrorText.transport(code: code, text: text, context)
            case .local(let text):
                outcome = .localFailure
                error = S3Error(.failed, context.subject, text)
            }
            progress?.subtract(moved.withLock { $0 })
            if RetryPolicy.isRetryable(outcome), attempt < policy.maxAttempts {
                let wait = policy.delay(afterAttempt: attempt, random: Double.random(in: 0..<1))
                log?(
                    "\(request.method) \(uri): \(error.message); try \(attempt + 1) of \(policy.maxAttempts) in \(String(format: "%.2f", wait)) s"
                )
                if wait > 0 { usleep(useconds_t(min(wait, 3600) * 1_000_000)) }
                attempt += 1
                continue
            }
            var final = error
            if attempt > 1 { final.message += " (after \(attempt) tries)" }
            throw final
        }
    }
}

/// Bytes moved by one transfer, possibly by several threads, reported as done/total.
final class TransferMeter: Sendable {
    private let done = Mutex<UInt64>(0)
    let total: UInt64
    private let report: TransferProgress?

    init(total: UInt64, report: TransferProgress?) {
        self.total = total
        self.report = report
    }

    func add(_ count: UInt64) {
        let now = done.withLock { value -> UInt64 in
            value += count
            return value
        }
        report?(min(now, total), total)
    }

    func subtract(_ count: UInt64) {
        guard count > 0 else { return }
        let now = done.withLock { value -> UInt64 in
            value -= min(count, value)
            return value
        }
        report?(min(now, total), total)
    }
}
