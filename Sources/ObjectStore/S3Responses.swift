import AWSCore

/// One object in a listing.
package struct S3Object: Sendable, Equatable {
    package var key: String
    package var size: UInt64
    /// As S3 sends it (ISO 8601, e.g. `2026-11-27T07:45:50.000Z`), when it sends it.
    package var lastModified: String?
    package var etag: String?

    package init(key: String, size: UInt64, lastModified: String? = nil, etag: String? = nil) {
        self.key = key
        self.size = size
        self.lastModified = lastModified
        self.etag = etag
    }
}

/// One page of ListObjectsV2.
struct ListPage: Equatable {
    var objects: [S3Object]
    /// Where the next page starts, when this one was truncated.
    var continuationToken: String?
}

/// An error document (`<Error><Code>…</Code><Message>…</Message>…</Error>`).
struct S3ErrorBody: Equatable {
    var code: String
    var message: String?
    /// Extra fields some codes carry (`Endpoint` for a redirect, `Region` for a wrong region).
    var endpoint: String?
    var region: String?
}

/// Decoding and encoding of the S3 XML documents grow uses.
enum S3Responses {
    static func listPage(_ bytes: [UInt8]) throws(XMLTree.ParseError) -> ListPage {
        let root = try XMLTree.parse(bytes)
        guard root.name == "ListBucketResult" else {
            throw XMLTree.ParseError(offset: 0, reason: "expected <ListBucketResult>, got <\(root.name)>")
        }
        // With encoding-type=url, keys come percent-encoded (so any byte survives XML 1.0).
        let urlEncoded = root.value("EncodingType")?.lowercased() == "url"
        var objects: [S3Object] = []
        for entry in root.children("Contents") {
            guard let rawKey = entry.value("Key") else { continue }
            let size = entry.value("Size").flatMap { UInt64($0.trimmingSpaces) } ?? 0
            objects.append(
                S3Object(
                    key: urlEncoded ? AWSEncoding.decode(rawKey) : rawKey, size: size,
                    lastModified: entry.value("LastModified")?.trimmingSpaces, etag: entry.value("ETag")))
        }
        let truncated = root.value("IsTruncated")?.trimmingSpaces.lowercased() == "true"
        let token = root.value("NextContinuationToken")
        return ListPage(objects: objects, continuationToken: truncated ? token : nil)
    }

    /// The error in a body, if it is an S3 error document (also inside a 200 answer, which
    /// CompleteMultipartUpload and CopyObject may send).
    static func error(_ bytes: [UInt8]) -> S3ErrorBody? {
        guard bytes.contains(UInt8(ascii: "<")), let root = try? XMLTree.parse(bytes), root.name == "Error",
            let code = root.value("Code")
        else { return nil }
        return S3ErrorBody(
            code: code.trimmingSpaces, message: root.value("Message"), endpoint: root.value("Endpoint"),
            region: root.value("Region"))
    }

    static func uploadID(_ bytes: [UInt8]) throws(XMLTree.ParseError) -> String {
        let root = try XMLTree.parse(bytes)
        guard root.name == "InitiateMultipartUploadResult", let id = root.value("UploadId"), !id.isEmpty else {
            throw XMLTree.ParseError(offset: 0, reason: "expected <InitiateMultipartUploadResult> with an <UploadId>")
        }
        return id
    }

    /// Upload IDs of the multipart uploads in progress (ListMultipartUploads).
    static func pendingUploads(_ bytes: [UInt8]) throws(XMLTree.ParseError) -> [(key: String, uploadID: String)] {
        let root = try XMLTree.parse(bytes)
        guard root.name == "ListMultipartUploadsResult" else {
            throw XMLTree.ParseError(offset: 0, reason: "expected <ListMultipartUploadsResult>, got <\(root.name)>")
        }
        return root.children("Upload").compactMap { upload in
            guard let key = upload.value("Key"), let id = upload.value("UploadId") else { return nil }
            return (key, id)
        }
    }

    static func completeUpload(parts: [(number: Int, etag: String)]) -> [UInt8] {
        var xml =
            #"<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#
        for part in parts {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(escape(part.etag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        return Array(xml.utf8)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
