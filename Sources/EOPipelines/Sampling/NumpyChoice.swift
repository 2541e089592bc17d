extension PCG64 {
    /// `rng.choice(population, size, replace=False)` as NumPy's Generator draws it: a shuffled
    /// tail of the whole population when the sample is a large share of a large population,
    /// Floyd's algorithm (then a shuffle) otherwise. Positions into the population.
    package mutating func choiceWithoutReplacement(population: Int, size: Int) -> [Int] {
        precondition(size >= 0 && size <= population)
        if population > 10_000 && size > population / 50 {
            var positions = Array(0..<population)
            shuffle(&positions, from: Swift.max(population - size, 1))
            return Array(positions[(population - size)...])
        }
        var chosen: [Int] = []
        chosen.reserveCapacity(size)
        var taken = Set<Int>(minimumCapacity: size)
        for last in (population - size)..<population {
            let draw = Int(bounded(UInt64(last)))
            let value = taken.contains(draw) ? last : draw
            taken.insert(value)
            chosen.append(value)
        }
        shuffle(&chosen, from: 1)
        return chosen
    }

    /// NumPy's in-place Fisher-Yates over positions `from..<count`, from the end.
    private mutating func shuffle(_ values: inout [Int], from first: Int) {
        guard values.count > first else { return }
        for position in stride(from: values.count - 1, through: first, by: -1) {
            let other = Int(bounded(UInt64(position)))
            values.swapAt(position, other)
        }
    }
}

/// eo-grow's seeds: one generator from the config's seed gives every patch, in the order of the
/// patch list, its own seed (`integers(0, 2**32)`).
package enum EOGrowSeeds {
    package static func seed(forPatchAt position: Int, configSeed: UInt64) -> UInt64 {
        var generator = PCG64(seed: configSeed)
        var seed: UInt32 = 0
        for _ in 0...position { seed = generator.next32() }
        return UInt64(seed)
    }
}
