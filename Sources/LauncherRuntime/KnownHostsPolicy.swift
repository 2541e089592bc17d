/// How host keys are checked against grow's own known_hosts file (~/.grow/known_hosts).
package enum KnownHostsPolicy: String, Sendable, CaseIterable {
    /// A host seen for the first time is pinned; a changed key is refused.
    case acceptNew = "accept-new"
    /// Only hosts already in the file are accepted.
    case strict
}
