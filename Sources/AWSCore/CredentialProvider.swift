import GrowBase
import Synchronization

/// The credentials to sign the next request with: fixed ones (keys from the environment or a
/// profile, or none for anonymous S3), or the instance profile's, fetched from the instance
/// metadata service, cached, and fetched again before they expire (`CredentialRefresh`), so a
/// process on EC2 needs no keys on disk. Thread-safe.
package final class CredentialProvider: Sendable, CustomStringConvertible {
    private enum Mode: Sendable {
        case fixed(AWSCredentials?)
        case instanceProfile(InstanceMetadataClient)
    }

    private let mode: Mode
    private let refresh: CredentialRefresh
    private let now: @Sendable () -> UInt64
    private let cache = Mutex<(credentials: AWSCredentials?, lastFetch: UInt64?)>((nil, nil))
    /// One fetch at a time: threads that find the cache stale wait for it rather than all asking.
    private let fetching = Mutex<Void>(())

    private init(mode: Mode, refresh: CredentialRefresh, now: @escaping @Sendable () -> UInt64) {
        self.mode = mode
        self.refresh = refresh
        self.now = now
    }

    /// Keys that never change (or none: anonymous requests).
    package static func fixed(_ credentials: AWSCredentials?) -> CredentialProvider {
        CredentialProvider(mode: .fixed(credentials), refresh: CredentialRefresh(), now: { Clock.unixMs() })
    }

    /// The instance profile's credentials; `now` (Unix ms) is injectable so tests can move time.
    package static func instanceProfile(
        _ client: InstanceMetadataClient, refresh: CredentialRefresh = CredentialRefresh(),
        now: @escaping @Sendable () -> UInt64 = { Clock.unixMs() }
    ) -> CredentialProvider {
        CredentialProvider(mode: .instanceProfile(client), refresh: refresh, now: now)
    }

    /// The chain every grow AWS client uses: keys from the environment or the profile
    /// (`CredentialChain`), else the instance profile when IMDS is to be asked
    /// (`InstanceMetadataEndpoint.resolve`), else none.
    package static func resolve(
        profile: AWSProfile, profileIsSetting: Bool, environment: [String: String], readFile: (String) -> String?
    ) throws(AWSError) -> CredentialProvider {
        if let credentials = try CredentialChain.resolve(
            profile: profile, profileIsSetting: profileIsSetting, environment: environment)
        {
            return .fixed(credentials)
        }
        if let endpoint = InstanceMetadataEndpoint.resolve(environment: environment, readFile: readFile) {
            return .instanceProfile(InstanceMetadataClient(endpoint: endpoint))
        }
        return .fixed(nil)
    }

    package var description: String {
        switch mode {
        case .fixed(let credentials): credentials.map { "\($0.source)" } ?? "no credentials (anonymous)"
        case .instanceProfile(let client): "the instance profile from \(client.endpoint)"
        }
    }

    /// Whether these are the instance profile's (fetched, refreshed) credentials.
    package var isInstanceProfile: Bool {
        if case .instanceProfile = mode { return true }
        return false
    }

    /// The credentials to sign with now; nil for anonymous requests (no keys, or an instance
    /// without an instance profile). A failed refresh falls back to the cached credentials while
    /// they have not expired.
    package func current() throws(AWSError) -> AWSCredentials? {
        guard case .instanceProfile(let client) = mode else {
            if case .fixed(let credentials) = mode { return credentials }
            return nil
        }
        let stale = { (time: UInt64) -> (Bool, AWSCredentials?) in
            let (credentials, lastFetch) = self.cache.withLock { ($0.credentials, $0.lastFetch) }
            guard let credentials else {
                return (lastFetch == nil || time >= lastFetch! + self.refresh.minimumInterval, nil)
            }
            return (
                self.refresh.shouldFetch(now: time, expiration: credentials.expiration, lastFetch: lastFetch),
                credentials
            )
        }
        let (needed, cached) = stale(now())
        guard needed else { return cached }
        return try fetching.withLock { _ throws(AWSError) -> AWSCredentials? in
            let time = now()
            let (stillNeeded, cached) = stale(time)
            guard stillNeeded else { return cached }
            do throws(AWSError) {
                let fresh = try client.instanceProfileCredentials()
                cache.withLock { $0 = (fresh, time) }
                return fresh
            } catch {
                cache.withLock { $0.lastFetch = time }
                if let cached, let expiration = cached.expiration, time < expiration { return cached }
                throw error
            }
        }
    }
}
