import Foundation
import Synchronization

/// Runs `work(0..<count)` on up to `width` threads, each index once; returns when all are done.
/// The threads are plain ones because the work blocks on the network.
func runConcurrently(count: Int, width: Int, _ work: @escaping @Sendable (Int) -> Void) {
    guard count > 0 else { return }
    let next = Mutex(0)
    let threads = max(1, min(width, count))
    let group = DispatchGroup()
    for _ in 0..<threads {
        group.enter()
        let thread = Thread {
            while true {
                let index = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                if index >= count { break }
                work(index)
            }
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
}
