import AWSCore
import Foundation
import GrowBase
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension S3Client {
    /// Downloads an object to a local file without holding it in memory (ranges in parallel
    /// above the multipart threshold). The file appears only when complete; every range is
    /// pinned to the ETag seen first, so a concurrent overwrite fails the download instead of
    /// mixing two versions.
    package func downloadFile(_ uri: S3URI, to path: String, progress: TransferProgress? = nil) throws(S3Error) {
        guard let info = try headObject(uri) else {
            // NoSuchKey or NoSuchBucket: the GET's error document says which.
            throw diagnosis(uri)
                ?? S3Error(.notFound, "\(uri) at \(config.endpoint)", "no such object (404)", status: 404)
        }
        let file = try LocalFile(creating: path)
        do throws(S3Error) {
            let meter = TransferMeter(total: info.size, report: progress)
            let pin = info.etag.map { [("If-Match", $0)] } ?? []
            if info.size <= config.options.multipartThreshold {
                let response = try send(
                    HTTPRequest(
                        method: "GET", url: url(uri), headers: pin, sink: .file(descriptor: file.descriptor, offset: 0)),
                    uri, progress: meter)
                guard response.bytesToFile == info.size else {
                    throw S3Error(
                        .failed, "\(uri) at \(config.endpoint)",
                        "got \(response.bytesToFile) bytes, expected \(info.size)")
                }
            } else {
                let plan = MultipartPlan(size: info.size, preferredPartSize: config.options.partSize)
                let firstError = Mutex<S3Error?>(nil)
                let descriptor = file.descriptor
                runConcurrently(count: plan.count, width: config.options.concurrency) { index in
                    if firstError.withLock({ $0 != nil }) { return }
                    let range = plan.range(of: index)
                    let request = HTTPRequest(
                        method: "GET", url: self.url(uri),
                        headers: pin + [("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")],
                        sink: .file(descriptor: descriptor, offset: range.lowerBound))
                    do throws(S3Error) {
                        let response = try self.send(request, uri, progress: meter)
                        guard response.status == 206, response.bytesToFile == UInt64(range.count) else {
                            throw S3Error(
                                .failed, "\(uri) at \(self.config.endpoint)",
                                "range \(range.lowerBound)-\(range.upperBound - 1) came back as \(response.bytesToFile) bytes (HTTP \(response.status))"
                            )
                        }
                    } catch {
                        firstError.withLock { if $0 == nil { $0 = error } }
                    }
                }
                if let error = firstError.withLock({ $0 }) { throw error }
            }
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }
}
