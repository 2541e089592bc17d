/// An error that knows whether trying again can help. A network failure, a busy or crashed
/// server, a full disk may pass: the tile is retried (maybe elsewhere), the request repeated. A
/// bad input, config or credential will not: the tile fails at once, and a command line exits
/// with 2 because it is the user's to fix.
package protocol RetryableError: Error, CustomStringConvertible {
    var isRetryable: Bool { get }
}
