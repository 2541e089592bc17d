@preconcurrency import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM and SIGINT as an async sequence, so a daemon can shut down cleanly; SIGHUP as another,
/// for "read your files again".
package enum Signals {
    package static func termination() -> AsyncStream<Int32> {
        stream(of: [SIGTERM, SIGINT])
    }

    package static func hangup() -> AsyncStream<Int32> {
        stream(of: [SIGHUP])
    }

    private static func stream(of numbers: [Int32]) -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let sources = numbers.map { number -> DispatchSourceSignal in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield(number) }
                source.resume()
                return source
            }
            continuation.onTermination = { _ in sources.forEach { $0.cancel() } }
        }
    }
}
