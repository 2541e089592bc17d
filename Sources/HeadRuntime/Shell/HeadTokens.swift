import Foundation
import GrowBase
import Logging
import Synchronization
import Wire

/// The cluster tokens the head accepts right now. With a token file, the files are read again
/// every few seconds (off the event loop), so `grow-head token rotate` takes effect without a
/// restart: the new token at once, the previous one until the grace period after the rotation
/// has passed. A token from GROW_TOKEN never changes.
final class HeadTokens: Sendable {
    private struct State {
        var tokens: AcceptedTokens
        /// What the log last said, so each change is logged once.
        var announcedRotation: UInt64 = 0
        var announcedExpiry: UInt64 = 0
        var reportedFailure = false
    }

    private let file: String?
    private let graceMs: UInt64
    private let state: Mutex<State>

    /// Reads the files now; when that fails (they were checked by the command line a moment
    /// ago), starts from `token` alone.
    init(token: ClusterToken, file: String?, graceMs: UInt64, logger: Logger) {
        self.file = file
        self.graceMs = graceMs
        var tokens = AcceptedTokens(current: token)
        if let file {
            do {
                tokens = try TokenFiles.load(file)
            } catch {
                logger.warning(
                    "cannot read the token files; using the token read at start", metadata: ["error": "\(error)"])
            }
        }
        state = Mutex(State(tokens: tokens, announcedRotation: tokens.rotatedAtUnixMs))
        if tokens.previous != nil, Clock.unixMs() < tokens.previousAcceptedUntil(graceMs: graceMs) {
            logger.info(
                "a cluster token rotation is under way: the previous token is accepted until \(Self.utc(tokens.previousAcceptedUntil(graceMs: graceMs)))"
            )
        }
    }

    func accepted(atUnixMs now: UInt64) -> [ClusterToken] {
        state.withLock { $0.tokens.accepted(atUnixMs: now, graceMs: graceMs) }
    }

    /// Reads the token files again (blocking: call it off the event loop) and logs a rotation
    /// seen for the first time, and the end of a grace period.
    func refresh(atUnixMs now: UInt64, logger: Logger) {
        var loaded: AcceptedTokens?
        var failure: TokenError?
        if let file {
            do { loaded = try TokenFiles.load(file) } catch { failure = error }
        }
        let graceMs = self.graceMs
        state.withLock { state in
            if let failure {
                if !state.reportedFailure {
                    logger.warning(
                        "cannot read the token files; the tokens accepted stay as they were",
                        metadata: ["error": "\(failure)"])
                }
                state.reportedFailure = true
            } else if let loaded {
                state.reportedFailure = false
                state.tokens = loaded
            }
            let tokens = state.tokens
            let until = tokens.previousAcceptedUntil(graceMs: graceMs)
            if tokens.current != tokens.previous, tokens.previous != nil, now < until,
                tokens.rotatedAtUnixMs != state.announcedRotation
            {
                state.announcedRotation = tokens.rotatedAtUnixMs
                logger.info(
                    "cluster token rotated: the new token is accepted, the previous one until \(Self.utc(until))")
            }
            if tokens.previous != nil, now >= until, state.announcedExpiry != until {
                state.announcedExpiry = until
                logger.info("the previous cluster token's grace period is over: only the current token is accepted")
            }
        }
    }

    private static func utc(_ unixMs: UInt64) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: Double(unixMs) / 1000))
    }
}
