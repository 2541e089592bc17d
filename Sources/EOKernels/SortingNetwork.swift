/// A fixed sequence of compare-exchanges that sorts (or partly sorts) `count` values whatever
/// they are: the same steps for every pixel, so a kernel runs them on SIMD vectors of many
/// pixels at once with min/max and no branches.
struct SortingNetwork {
    struct Step: Equatable {
        /// Wires, low < high: afterwards `low` holds the smaller value, `high` the larger.
        var low: Int32
        var high: Int32
        /// Which results anything later reads (the other need not be computed).
        var keeps: Keeps
    }

    enum Keeps: Equatable {
        case both, low, high
    }

    private(set) var steps: [Step]
    let count: Int

    /// Batcher's odd–even merge sort for `count` wires. Built for the next power of two; the steps
    /// that touch a wire ≥ `count` are dropped, which is exact: think of those wires as holding
    /// +∞, which a compare-exchange never moves down.
    init(sorting count: Int) {
        self.count = count
        var steps: [Step] = []
        var width = 1
        while width < count { width *= 2 }
        var p = 1
        while p < width {
            var k = p
            while k >= 1 {
                var j = k % p
                while j + k < width {
                    for i in 0..<k where i + j + k < count && (i + j) / (2 * p) == (i + j + k) / (2 * p) {
                        steps.append(Step(low: Int32(i + j), high: Int32(i + j + k), keeps: .both))
                    }
                    j += 2 * k
                }
                k /= 2
            }
            p *= 2
        }
        self.steps = steps
    }

    /// The part of the full sort that the values on `outputs` depend on: afterwards those wires
    /// hold what they would after a full sort (other wires hold leftovers).
    init(selecting outputs: some Sequence<Int>, of count: Int) {
        self.init(sorting: count)
        var needed = [Bool](repeating: false, count: count)
        for wire in outputs where wire >= 0 && wire < count { needed[wire] = true }
        var kept: [Step] = []
        for var step in steps.reversed() {
            let low = needed[Int(step.low)]
            let high = needed[Int(step.high)]
            guard low || high else { continue }
            // Either result of a compare-exchange depends on both of its inputs.
            step.keeps = low && high ? .both : low ? .low : .high
            needed[Int(step.low)] = true
            needed[Int(step.high)] = true
            kept.append(step)
        }
        steps = kept.reversed()
    }

    /// Runs the network on `count` values (tests, and the scalar reference).
    func apply<T: Comparable>(to values: inout [T]) {
        for step in steps {
            let a = values[Int(step.low)]
            let b = values[Int(step.high)]
            if step.keeps != .high { values[Int(step.low)] = min(a, b) }
            if step.keeps != .low { values[Int(step.high)] = max(a, b) }
        }
    }
}
