/// When to try a request again and how long to wait first: exponential backoff with full jitter
/// (a random wait between 0 and base·2^attempt, capped), so many clients that failed together do
/// not come back together.
package struct RetryPolicy: Sendable, Equatable {
    /// Tries in total, the first included.
    package var maxAttempts = 5
    /// Seconds; the cap of the wait before the 2nd try (doubled for each later one).
    package var baseDelay = 0.25
    /// Seconds; no wait is longer.
    package var maxDelay = 20.0

    package init(maxAttempts: Int = 5, baseDelay: Double = 0.25, maxDelay: Double = 20.0) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// How one try ended.
    package enum Outcome: Sendable, Equatable {
        /// The server answered with this status (and AWS error code, if any).
        case answered(status: Int, code: String?)
        /// No usable answer: could not connect, timed out, connection reset mid-transfer.
        case transportFailure
        /// Failed on this side (a local file could not be read or written): retrying will not help.
        case localFailure
    }

    /// Whether `outcome` is worth another try: 5xx, 429, the services' throttling and
    /// request-timeout codes, and transport failures. Never other 4xx (the request itself is wrong).
    package static func isRetryable(_ outcome: Outcome) -> Bool {
        switch outcome {
        case .transportFailure: return true
        case .localFailure: return false
        case .answered(let status, let code):
            if status >= 500 || status == 429 { return true }
            // 400 RequestTimeout: S3 closed an idle upload; 503 SlowDown is covered above.
            if let code, throttlingCodes.contains(code) || code == "RequestTimeout" { return true }
            return false
        }
    }

    /// The codes AWS services answer when a caller is too fast (EC2's `RequestLimitExceeded`
    /// comes with 503, but some come with 400).
    package static let throttlingCodes: Set<String> = [
        "SlowDown", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
        "RequestThrottledException", "RequestLimitExceeded", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "BandwidthLimitExceeded", "EC2ThrottledException",
        "PriorRequestNotComplete",
    ]

    /// Seconds to wait before try number `attempt + 1` (`attempt` counts from 1), given a
    /// uniform random number in [0, 1).
    package func delay(afterAttempt attempt: Int, random: Double) -> Double {
        let exponent = min(max(attempt - 1, 0), 30)
        let cap = min(maxDelay, baseDelay * Double(1 << exponent))
        return cap * min(max(random, 0), 1)
    }
}
