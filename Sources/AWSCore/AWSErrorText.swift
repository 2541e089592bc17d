/// Turns an answer of EC2, ECR or another service into one `AWSError` line: the kind decides who
/// can fix it (the code, not the status, comes first), the text says what to check. Pure.
package enum AWSErrorText {
    /// Codes that mean the credentials are wrong or not allowed.
    static let deniedCodes: Set<String> = [
        "AuthFailure", "UnauthorizedOperation", "SignatureDoesNotMatch", "InvalidClientTokenId",
        "UnrecognizedClientException", "IncompleteSignature", "MissingAuthenticationToken", "ExpiredToken",
        "ExpiredTokenException", "AccessDenied", "AccessDeniedException", "OptInRequired", "Blocked",
        "InvalidAccessKeyId", "RequestExpired",
    ]

    /// `subject` names the call and the endpoint (`ec2 RunInstances at https://…`).
    package static func answer(
        status: Int, detail: AWSErrorDetail?, subject: String, credentials: AWSCredentials?
    ) -> AWSError {
        let code = detail?.code
        let tag = code.map { "(\(status) \($0))" } ?? "(\(status))"
        let message = detail?.message.flatMap { $0.isEmpty ? nil : $0 }
        let source = credentials?.source
        let text =
            message.map { "\($0) \(tag)" } ?? "\(status >= 500 ? "the service failed" : "request rejected") \(tag)"
        switch code {
        case "SignatureDoesNotMatch":
            return AWSError(
                .denied, subject, "signature does not match \(tag): \(source?.secretHint ?? noCredentials)",
                status: status, code: code)
        case "AuthFailure":
            // EC2's answer to a wrong key and a wrong secret alike.
            return AWSError(
                .denied, subject, "\(text): check \(source.map { "the credentials from \($0)" } ?? noCredentials)",
                status: status, code: code)
        case "InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId":
            return AWSError(
                .denied, subject, "\(text): \(source?.keyHint ?? noCredentials)", status: status, code: code)
        case "ExpiredToken", "ExpiredTokenException":
            return AWSError(
                .denied, subject, "\(text): \(source?.tokenHint ?? noCredentials)", status: status, code: code)
        case let code? where deniedCodes.contains(code):
            let who = source.map { "the credentials from \($0)" } ?? "anonymous requests"
            return AWSError(.denied, subject, "\(text): \(who) may not do this", status: status, code: code)
        case let code?
        where code.hasSuffix(".NotFound") || code.hasSuffix("NotFound") || code.hasSuffix("NotFoundException"):
            return AWSError(.notFound, subject, text, status: status, code: code)
        case let code? where RetryPolicy.throttlingCodes.contains(code):
            return AWSError(.failed, subject, "too many requests \(tag)", status: status, code: code)
        default:
            break
        }
        if status == 401 || status == 403 {
            return AWSError(
                .denied, subject,
                "access denied \(tag)\(message.map { ": \($0)" } ?? ""): check \(source.map { "the credentials from \($0)" } ?? noCredentials)",
                status: status, code: code)
        }
        return AWSError(status >= 500 || status == 429 ? .failed : .invalid, subject, text, status: status, code: code)
    }

    static let noCredentials =
        "no credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile in ~/.aws/credentials, or run on EC2 with an instance profile"

    /// curl codes that mean the address or TLS setup is wrong, not that the network hiccuped.
    package static let userTransportCodes: Set<Int> = [1, 3, 6, 60, 77]  // protocol, URL, resolve host, certificate, CA file

    package static func transport(code: Int, text: String, subject: String) -> AWSError {
        let kind: AWSError.Kind = userTransportCodes.contains(code) ? .invalid : .failed
        let hint =
            switch code {
            case 6: ": check the endpoint's host name"
            case 60, 77: ": check the endpoint's certificate or AWS_CA_BUNDLE"
            case 7: ": is the endpoint right and the server up?"
            default: ""
            }
        return AWSError(kind, subject, "cannot reach the endpoint: \(text) (curl \(code))\(hint)")
    }
}
