import Foundation
import Synchronization

/// Runs `work(0..<count)` on up to `width` threads, each index once; returns when all are done.
/// The threads are plain ones because the work blocks (network, disk, GDAL); `stackSize` leaves
/// room for deep native calls (GDAL's warps want more than the default).
package func runConcurrently(
    count: Int, width: Int, stackSize: Int = 1 << 20, _ work: @escaping @Sendable (Int) -> Void
) {
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
        thread.stackSize = stackSize
        thread.start()
    }
    group.wait()
}
