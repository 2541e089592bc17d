/// The last batches of the event stream, encoded once for every reader. A reader asks for what
/// came after the last sequence number it saw; one that fell behind the history (or is new and
/// has no map yet) is told to reload its maps instead.
package struct StreamHistory: Sendable {
    package let capacity: Int
    private var entries: [(sequence: UInt64, text: String)] = []
    private var start = 0
    /// The sequence number of the newest batch (0: none yet).
    package private(set) var lastSequence: UInt64 = 0

    package init(capacity: Int = 64) {
        self.capacity = max(1, capacity)
    }

    package mutating func append(_ text: String) {
        lastSequence += 1
        if entries.count < capacity {
            entries.append((lastSequence, text))
        } else {
            entries[start] = (lastSequence, text)
            start = (start + 1) % capacity
        }
    }

    package enum Answer: Sendable, Equatable {
        /// The batches after the reader's cursor, oldest first (empty: nothing new).
        case batches([String], last: UInt64)
        /// Too far behind: reload the maps and go on from `last`.
        case resync(last: UInt64)
    }

    package func after(_ cursor: UInt64) -> Answer {
        if cursor >= lastSequence { return .batches([], last: lastSequence) }
        let oldest = lastSequence - UInt64(entries.count) + 1
        guard cursor + 1 >= oldest else { return .resync(last: lastSequence) }
        var texts: [String] = []
        texts.reserveCapacity(Int(lastSequence - cursor))
        for offset in 0..<entries.count {
            let entry = entries[(start + offset) % entries.count]
            if entry.sequence > cursor { texts.append(entry.text) }
        }
        return .batches(texts, last: lastSequence)
    }
}
