/// A ring buffer of tile indices: the pending pool of one job. Taken from the front; tiles coming
/// back from workers are pushed to the front (they are the oldest work). 4 bytes per entry.
struct TileDeque: Sendable {
    private var storage: [UInt32]
    private var head = 0
    private(set) var count = 0

    init(_ elements: [UInt32] = []) {
        storage = elements
        count = elements.count
        if storage.isEmpty { storage = [0] }
    }

    var isEmpty: Bool { count == 0 }

    mutating func popFront() -> UInt32? {
        guard count > 0 else { return nil }
        let value = storage[head]
        head = head + 1 == storage.count ? 0 : head + 1
        count -= 1
        return value
    }

    mutating func pushFront(_ value: UInt32) {
        if count == storage.count { grow() }
        head = head == 0 ? storage.count - 1 : head - 1
        storage[head] = value
        count += 1
    }

    mutating func pushBack(_ value: UInt32) {
        if count == storage.count { grow() }
        var tail = head + count
        if tail >= storage.count { tail -= storage.count }
        storage[tail] = value
        count += 1
    }

    mutating func removeAll() {
        storage = [0]
        head = 0
        count = 0
    }

    private mutating func grow() {
        var bigger = [UInt32](repeating: 0, count: max(4, storage.count * 2))
        for offset in 0..<count {
            var position = head + offset
            if position >= storage.count { position -= storage.count }
            bigger[offset] = storage[position]
        }
        storage = bigger
        head = 0
    }
}
