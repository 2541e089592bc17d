/// When cached temporary credentials (an instance profile's) are fetched again. Pure: times are
/// Unix milliseconds given by the caller.
package struct CredentialRefresh: Sendable, Equatable {
    /// Fetch again this long before `Expiration`: AWS offers the next credentials at least five
    /// minutes before the current ones expire.
    package var margin: UInt64 = 5 * 60_000
    /// Inside the margin, a fetch that brought nothing newer is not repeated sooner than this...
    package var minimumInterval: UInt64 = 10_000
    /// ...unless the credentials expire within this (then every call tries).
    package var urgent: UInt64 = 60_000

    package init(margin: UInt64 = 5 * 60_000, minimumInterval: UInt64 = 10_000, urgent: UInt64 = 60_000) {
        self.margin = margin
        self.minimumInterval = minimumInterval
        self.urgent = urgent
    }

    /// Whether to fetch now, given the cached credentials' expiration (nil: long-lived, never
    /// refreshed) and when the last fetch was.
    package func shouldFetch(now: UInt64, expiration: UInt64?, lastFetch: UInt64?) -> Bool {
        guard let expiration else { return false }
        if now + margin < expiration { return false }
        if now + urgent >= expiration { return true }
        guard let lastFetch else { return true }
        return now >= lastFetch + minimumInterval
    }
}
