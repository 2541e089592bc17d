/// Where the dashboard listens and who may see it.
package struct DashboardSettings: Sendable {
    package var host: String
    package var port: Int
    /// Shown in the page's title (the head's name and address).
    package var title: String
    /// The cluster token's text: what the login form must be given when `host` is not loopback.
    /// Never logged, never put in a page or a URL.
    package var token: [UInt8]
    /// How often the event stream sends a batch of changes.
    package var batchIntervalMs: UInt64

    package init(
        host: String = "127.0.0.1", port: Int = 8265, title: String = "grow", token: [UInt8],
        batchIntervalMs: UInt64 = 250
    ) {
        self.host = host
        self.port = port
        self.title = title
        self.token = token
        self.batchIntervalMs = batchIntervalMs
    }
}
