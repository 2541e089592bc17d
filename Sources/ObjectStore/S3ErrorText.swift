import AWSCore

/// Turns an S3 answer or a transport failure into one `S3Error` line a user can act on. Pure.
enum S3ErrorText {
    struct Context {
        var uri: S3URI
        var endpoint: S3Endpoint
        var region: String
        var credentials: AWSCredentials?
        var method: String

        var subject: String { "\(uri) at \(endpoint)" }
    }

    static func answer(status: Int, body: S3ErrorBody?, headers: [String: String], _ context: Context) -> S3Error {
        let code = body?.code
        let tag = code.map { "(\(status) \($0))" } ?? "(\(status))"
        let subject = context.subject
        let source = context.credentials?.source
        func error(_ kind: S3Error.Kind, _ text: String) -> S3Error {
            S3Error(kind, subject, text, status: status, code: code)
        }
        let noCredentials =
            "no credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws/credentials"
        switch code {
        case "SignatureDoesNotMatch":
            return error(.denied, "signature does not match \(tag): \(source?.secretHint ?? noCredentials)")
        case "InvalidAccessKeyId":
            return error(
                .denied, "the endpoint does not know this access key \(tag): \(source?.keyHint ?? noCredentials)")
        case "ExpiredToken", "TokenRefreshRequired":
            return error(.denied, "the session token has expired \(tag): \(source?.tokenHint ?? noCredentials)")
        case "InvalidToken":
            return error(.denied, "the session token is not valid \(tag): \(source?.tokenHint ?? noCredentials)")
        case "AccessDenied", "AllAccessDisabled", "AccountProblem":
            guard let source else {
                return error(.denied, "access denied to anonymous requests \(tag): \(noCredentials)")
            }
            return error(.denied, "access denied \(tag): the credentials from \(source) may not \(verb(context)) here")
        case "NoSuchBucket":
            return S3Error(
                .notFound, "", "bucket \"\(context.uri.bucket)\" does not exist at \(context.endpoint) \(tag)",
                status: status,
                code: code)
        case "NoSuchKey":
            return error(.notFound, "no such object \(tag)")
        case "NoSuchUpload":
            return error(.notFound, "the multipart upload no longer exists \(tag)")
        case "NoSuchBucketPolicy":
            return error(.notFound, "the bucket has no policy \(tag)")
        case "AuthorizationHeaderMalformed", "IllegalLocationConstraintException":
            let expected = body?.region ?? headers["x-amz-bucket-region"]
            return error(
                .invalid,
                "wrong region \"\(context.region)\" \(tag)\(expected.map { ": the bucket is in \"\($0)\"" } ?? ""); set the region (storage aws_region, --region or AWS_REGION)"
            )
        case "PermanentRedirect", "TemporaryRedirect":
            let region = headers["x-amz-bucket-region"] ?? body?.region
            let place =
                region.map { "region \"\($0)\"" } ?? body?.endpoint.map { "endpoint \($0)" } ?? "another endpoint"
            return error(.invalid, "the bucket lives in \(place) \(tag): set the region or endpoint to match")
        case "InvalidBucketName":
            return error(.invalid, "invalid bucket name \(tag)")
        default:
            break
        }
        // No code (HEAD answers have no body) or one without a special text.
        let message = body?.message.map { $0.trimmingSpaces }.flatMap { $0.isEmpty ? nil : $0 }
        switch status {
        case 301, 307:
            let region = headers["x-amz-bucket-region"]
            return error(
                .invalid,
                "the bucket lives in \(region.map { "region \"\($0)\"" } ?? "another region") \(tag): set the region or endpoint to match"
            )
        case 400 where context.method == "HEAD" && headers["x-amz-bucket-region"].map({ $0 != context.region }) == true:
            return error(
                .invalid,
                "wrong region \"\(context.region)\" \(tag): the bucket is in \"\(headers["x-amz-bucket-region"] ?? "")\"; set the region (storage aws_region, --region or AWS_REGION)"
            )
        case 401, 403:
            guard let source else {
                return error(.denied, "access denied to anonymous requests \(tag): \(noCredentials)")
            }
            let detail = message.map { ": \($0)" } ?? ""
            if context.method == "HEAD" {
                return error(
                    .denied,
                    "access denied or wrong credentials (\(status); HEAD answers carry no details): check the credentials from \(source)"
                )
            }
            return error(.denied, "access denied \(tag)\(detail): check the credentials from \(source)")
        case 404:
            return error(.notFound, "not found \(tag)")
        case 412:
            return error(.failed, "the object changed during the transfer \(tag): try again")
        case 400..<500:
            return error(.invalid, "\(message ?? "request rejected") \(tag)")
        default:
            return error(.failed, "\(message ?? "the server failed") \(tag)")
        }
    }

    static func transport(code: Int, text: String, _ context: Context) -> S3Error {
        let kind: S3Error.Kind = AWSErrorText.userTransportCodes.contains(code) ? .invalid : .failed
        let hint =
            switch code {
            case 6: ": check the endpoint's host name"
            case 60, 77: ": check the endpoint's certificate or AWS_CA_BUNDLE"
            case 7: ": is the endpoint right and the server up?"
            default: ""
            }
        return S3Error(kind, context.subject, "cannot reach the endpoint: \(text) (curl \(code))\(hint)")
    }

    private static func verb(_ context: Context) -> String {
        switch context.method {
        case "GET", "HEAD": "read"
        case "PUT", "POST": "write"
        case "DELETE": "delete"
        default: context.method
        }
    }
}
