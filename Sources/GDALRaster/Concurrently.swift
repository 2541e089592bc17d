import Foundation
import Synchronization

/// Runs `work(0..<count)` on up to `width` plain threads (the work blocks in GDAL and storage),
/// each index once; returns when all are done.
package func concurrently(count: Int, width: Int, _ work: @escaping @Sendable (Int) -> Void) {
    guard count > 0 else { return }
    let next = Mutex(0)
    let group = DispatchGroup()
    for _ in 0..<max(1, min(width, count)) {
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
        thread.stackSize = 4 << 20
        thread.start()
    }
    group.wait()
}
