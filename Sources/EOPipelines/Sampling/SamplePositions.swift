import GrowJob

/// Which pixels a sampling takes, as eo-learn's sampling tasks choose them: the top-left corners
/// of N blocks, each grown to h×w pixels. The result is laid out as eo-learn lays out sampled
/// pixels, an (N·h)×w grid: row `n·h + a`, column `b` is pixel (row_n + a, column_n + b).
struct SamplePositions: Equatable {
    /// Row-major pixel offsets (y·width + x) of the (N·h)×w grid.
    var pixels: [Int]
    var gridHeight: Int
    var gridWidth: Int
    /// N: how many blocks (pixels, for 1×1 blocks).
    var samples: Int

    /// Blocks of `height`×`width` pixels at `corners` (row, column) in a `width`-wide image.
    init(corners: [(row: Int, column: Int)], height: Int, width: Int, imageWidth: Int) {
        var pixels: [Int] = []
        pixels.reserveCapacity(corners.count * height * width)
        for corner in corners {
            for row in corner.row..<(corner.row + height) {
                for column in corner.column..<(corner.column + width) { pixels.append(row * imageWidth + column) }
            }
        }
        self.pixels = pixels
        samples = corners.count
        gridHeight = corners.count * height
        gridWidth = width
    }

    /// FractionSamplingTask: per class of `classes` (H×W values) in ascending order, leaving out
    /// `exclude`, round-half-even(count × share) of its pixels, drawn without replacement.
    static func fraction(
        classes: [Int64], imageWidth: Int, share: SamplingParameters.Fraction.Share, exclude: [Int],
        random: inout PCG64
    ) -> SamplePositions {
        var members: [Int64: [Int]] = [:]
        for (pixel, value) in classes.enumerated() { members[value, default: []].append(pixel) }
        var corners: [(row: Int, column: Int)] = []
        for value in members.keys.sorted() where !exclude.contains(where: { Int64($0) == value }) {
            let pixels = members[value] ?? []
            let fraction: Double
            switch share {
            case .all(let all): fraction = all
            case .perClass(let shares):
                guard let given = shares.first(where: { Int64($0.label) == value }) else { continue }
                fraction = given.share
            }
            let count = Int((Double(pixels.count) * fraction).rounded(.toNearestOrEven))
            for position in random.choiceWithoutReplacement(population: pixels.count, size: count) {
                corners.append((pixels[position] / imageWidth, pixels[position] % imageWidth))
            }
        }
        return SamplePositions(corners: corners, height: 1, width: 1, imageWidth: imageWidth)
    }

    /// BlockSamplingTask: `count` top-left corners among every position a block fits at.
    static func block(
        _ block: SamplingParameters.Block, imageHeight: Int, imageWidth: Int, random: inout PCG64
    ) throws(SamplingProblem) -> SamplePositions {
        let rows = imageHeight - block.height + 1
        let columns = imageWidth - block.width + 1
        guard rows > 0, columns > 0 else {
            throw SamplingProblem(
                "a \(block.height)x\(block.width) block does not fit the \(imageHeight)x\(imageWidth) image")
        }
        let count: Int
        switch block.amount {
        case .count(let given): count = given
        case .fraction(let share): count = Int((Double(rows * columns) * share).rounded(.toNearestOrEven))
        }
        guard count <= rows * columns else {
            throw SamplingProblem("cannot draw \(count) blocks from \(rows * columns) positions without repeats")
        }
        let corners = random.choiceWithoutReplacement(population: rows * columns, size: count).map {
            (row: $0 / columns, column: $0 % columns)
        }
        return SamplePositions(corners: corners, height: block.height, width: block.width, imageWidth: imageWidth)
    }

    /// GridSamplingTask: a corner every `stride`, row by row, where a block fits.
    static func grid(_ grid: SamplingParameters.Grid, imageHeight: Int, imageWidth: Int) -> SamplePositions {
        var corners: [(row: Int, column: Int)] = []
        for row in stride(from: 0, to: imageHeight - grid.height + 1, by: grid.strideY) {
            for column in stride(from: 0, to: imageWidth - grid.width + 1, by: grid.strideX) {
                corners.append((row, column))
            }
        }
        return SamplePositions(corners: corners, height: grid.height, width: grid.width, imageWidth: imageWidth)
    }

    /// How often each of the image's pixels was taken, H×W×1: uint8 when every count is below
    /// 256, else uint16 (eo-learn's mask of samples).
    func counts(imageHeight: Int, imageWidth: Int) -> (small: [UInt8]?, large: [UInt16]) {
        var counts = [UInt16](repeating: 0, count: imageHeight * imageWidth)
        for pixel in pixels { counts[pixel] &+= 1 }
        let small = counts.allSatisfy { $0 < 256 } ? counts.map { UInt8($0) } : nil
        return (small, counts)
    }
}

/// A sampling that cannot be done on this patch (the same config fails in eo-grow).
struct SamplingProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
