import AWSCore
import Foundation
import GrowBase
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension S3Client {
    /// Uploads a local file without holding it in memory: one PUT up to the multipart threshold,
    /// parts in parallel above it. All or nothing: a failed multipart upload is aborted, so no
    /// object and no stored parts remain.
    package func uploadFile(
        _ path: String, to uri: S3URI, contentType: String? = nil, progress: TransferProgress? = nil
    )
        throws(S3Error)
    {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw LocalFile.error(path, "cannot open", errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw LocalFile.error(path, "cannot stat", errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw S3Error(.invalid, path, "is not a regular file") }
        let size = UInt64(info.st_size)
        if size > config.options.multipartThreshold {
            try multipartUpload(uri, size: size, contentType: contentType, progress: progress) { range in
                .file(descriptor: descriptor, offset: range.lowerBound, length: UInt64(range.count))
            }
            return
        }
        var request = HTTPRequest(
            method: "PUT", url: url(uri), body: .file(descriptor: descriptor, offset: 0, length: size), sink: .discard)
        if let contentType { request.headers.append(("Content-Type", contentType)) }
        let meter = TransferMeter(total: size, report: progress)
        _ = try send(request, uri, progress: meter)
    }

    /// Create → parts (each retried on its own, `concurrency` at a time) → complete; abort on
    /// any failure. `body` gives the bytes of a part (it may fetch them, and fail).
    func multipartUpload(
        _ uri: S3URI, size: UInt64, contentType: String?, progress: TransferProgress?,
        body: @escaping @Sendable (Range<UInt64>) throws(S3Error) -> RequestBody
    ) throws(S3Error) {
        let plan = MultipartPlan(size: size, preferredPartSize: config.options.partSize)
        var create = HTTPRequest(method: "POST", url: url(uri, query: [("uploads", "")]))
        // Set explicitly so the signed header and the sent one agree (curl adds one for POST).
        create.headers.append(("Content-Type", contentType ?? "application/octet-stream"))
        let created = try send(create, uri)
        let uploadID: String
        do {
            uploadID = try S3Responses.uploadID(created.body)
        } catch {
            throw S3Error(
                .failed, "\(uri) at \(config.endpoint)", "unreadable answer to CreateMultipartUpload: \(error)")
        }
        do throws(S3Error) {
            let meter = TransferMeter(total: size, report: progress)
            let etags = Mutex([String?](repeating: nil, count: plan.count))
            let firstError = Mutex<S3Error?>(nil)
            runConcurrently(count: plan.count, width: config.options.concurrency) { index in
                if firstError.withLock({ $0 != nil }) { return }
                let range = plan.range(of: index)
                do throws(S3Error) {
                    let request = HTTPRequest(
                        method: "PUT",
                        url: self.url(uri, query: [("partNumber", String(index + 1)), ("uploadId", uploadID)]),
                        body: try body(range), sink: .discard)
                    let response = try self.send(request, uri, progress: meter)
                    guard let etag = response.headers["etag"], !etag.isEmpty else {
                        throw S3Error(
                            .failed, "\(uri) at \(self.config.endpoint)", "part \(index + 1) was stored without an ETag"
                        )
                    }
                    etags.withLock { $0[index] = etag }
                } catch {
                    firstError.withLock { if $0 == nil { $0 = error } }
                }
            }
            if let error = firstError.withLock({ $0 }) { throw error }
            let parts = etags.withLock { $0 }.enumerated().map { (number: $0.offset + 1, etag: $0.element ?? "") }
            var complete = HTTPRequest(
                method: "POST", url: url(uri, query: [("uploadId", uploadID)]),
                body: .bytes(S3Responses.completeUpload(parts: parts)[...]))
            complete.headers.append(("Content-Type", "application/xml"))
            _ = try send(complete, uri, embeddedErrors: true)
        } catch {
            abortUpload(uri, uploadID: uploadID)
            throw error
        }
    }

    /// Best effort: a failure here is logged, not thrown (the upload's own error matters more).
    func abortUpload(_ uri: S3URI, uploadID: String) {
        do throws(S3Error) {
            _ = try send(
                HTTPRequest(method: "DELETE", url: url(uri, query: [("uploadId", uploadID)]), sink: .discard), uri)
        } catch  where error.kind == .notFound {
            // Already gone.
        } catch {
            log?(
                "could not abort the multipart upload of \(uri) (its parts stay stored until a lifecycle rule removes them): \(error)"
            )
        }
    }
}
