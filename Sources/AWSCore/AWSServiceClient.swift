import Foundation
import GrowBase
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Signed POSTs to one AWS service (EC2's Query API, ECR's JSON API) with retries: throttling,
/// 5xx and transport failures back off with jitter (`RetryPolicy`), and so do the codes a caller
/// names (`InvalidInstanceID.NotFound` right after a launch: EC2 is eventually consistent).
/// Credentials are asked for on every try, so refreshed ones are used. Blocking; thread-safe.
package final class AWSServiceClient: Sendable {
    package let config: AWSServiceConfig
    private let pool = HandlePool(keep: 4)
    /// Gets one line per retry (never a secret).
    private let log: (@Sendable (String) -> Void)?

    /// How error answers are read.
    package enum ErrorProtocol: Sendable {
        case query
        case json
    }

    package init(config: AWSServiceConfig, log: (@Sendable (String) -> Void)? = nil) {
        self.config = config
        self.log = log
    }

    /// `service Operation at endpoint`, what every error line starts with.
    package func subject(_ operation: String) -> String { "\(config.service) \(operation) at \(config.endpoint)" }

    /// POSTs `body` to the endpoint's `/` until it succeeds (2xx), fails for good, or runs out of
    /// tries. `retryCodes`: error codes that are worth another try for this call; `finalCodes`:
    /// codes the caller decides on at once, even when they come with a 5xx (RunInstances'
    /// `InsufficientInstanceCapacity`: the next zone, not the same one again).
    package func post(
        operation: String, body: [UInt8], headers: [(String, String)], errors: ErrorProtocol,
        retryCodes: Set<String> = [], finalCodes: Set<String> = []
    ) throws(AWSError) -> HTTPResponse {
        try CurlHandle.load()
        let subject = subject(operation)
        let policy = config.retry
        var attempt = 1
        while true {
            let credentials = try config.credentials.current()
            guard let credentials else {
                throw AWSError(.denied, subject, AWSErrorText.noCredentials)
            }
            let url = config.endpoint + "/"
            let signed = SigV4.headers(
                method: "POST", url: url, headers: headers, payloadHash: SigV4.payloadHash(body),
                credentials: credentials, region: config.region, service: config.service,
                unixSeconds: Int(Clock.unixMs() / 1000))
            let request = HTTPRequest(method: "POST", url: url, headers: headers + signed, body: .bytes(body[...]))
            let result =
                pool.withHandle { $0.perform(request, settings: config.settings) }
                ?? .local("libcurl could not create a handle")
            let outcome: RetryPolicy.Outcome
            var error: AWSError
            switch result {
            case .response(let response):
                if (200..<300).contains(response.status) { return response }
                let detail =
                    switch errors {
                    case .query: AWSErrorDetail.query(response.body)
                    case .json: AWSErrorDetail.json(response.body, headers: response.headers)
                    }
                outcome = .answered(status: response.status, code: detail?.code)
                error = AWSErrorText.answer(
                    status: response.status, detail: detail, subject: subject, credentials: credentials)
            case .transport(let code, let text):
                outcome = AWSErrorText.userTransportCodes.contains(code) ? .localFailure : .transportFailure
                error = AWSErrorText.transport(code: code, text: text, subject: subject)
            case .local(let text):
                outcome = .localFailure
                error = AWSError(.failed, subject, text)
            }
            let retryable: Bool
            if case .answered(_, let code?) = outcome, retryCodes.contains(code) || finalCodes.contains(code) {
                retryable = retryCodes.contains(code)
            } else {
                retryable = RetryPolicy.isRetryable(outcome)
            }
            if retryable, attempt < policy.maxAttempts {
                let wait = policy.delay(afterAttempt: attempt, random: Double.random(in: 0..<1))
                log?(
                    "\(config.service) \(operation): \(error.message); try \(attempt + 1) of \(policy.maxAttempts) in \(String(format: "%.2f", wait)) s"
                )
                if wait > 0 { usleep(useconds_t(min(wait, 3600) * 1_000_000)) }
                attempt += 1
                continue
            }
            if attempt > 1 { error.message += " (after \(attempt) tries)" }
            throw error
        }
    }
}
