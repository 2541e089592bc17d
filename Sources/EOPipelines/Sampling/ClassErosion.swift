/// eo-grow's `erosion_dict` before fraction sampling: per radius, for each listed label, the
/// label's pixels are eroded with OpenCV's elliptic structuring element of `radius`×`radius`
/// pixels (centred at radius/2), and pixels that do not survive become 0. Pixels outside the
/// image never erode a pixel inside (OpenCV's default border for erosion).
enum ClassErosion {
    /// OpenCV's `getStructuringElement(MORPH_ELLIPSE, (size, size))`, row-major.
    static func ellipse(size: Int) -> [Bool] {
        let radius = size / 2
        let centre = size / 2
        let inverse = radius == 0 ? 0 : 1 / Double(radius * radius)
        var kernel = [Bool](repeating: false, count: size * size)
        for row in 0..<size {
            let dy = row - radius
            guard abs(dy) <= radius else { continue }
            let dx = Int(
                (Double(centre) * (Double(radius * radius - dy * dy) * inverse).squareRoot()).rounded(.toNearestOrEven))
            for column in max(centre - dx, 0)..<min(centre + dx + 1, size) { kernel[row * size + column] = true }
        }
        return kernel
    }

    /// `classes` (H×W, row-major) after eroding each entry's labels in turn.
    static func apply(_ erosion: [(radius: Int, labels: [Int])], to classes: inout [Int64], height: Int, width: Int) {
        for entry in erosion {
            let kernel = ellipse(size: entry.radius)
            let anchor = entry.radius / 2
            let offsets = kernel.indices.filter { kernel[$0] }.map {
                (dy: $0 / entry.radius - anchor, dx: $0 % entry.radius - anchor)
            }
            for label in entry.labels.map(Int64.init) {
                let inside = classes.map { $0 == label }
                for y in 0..<height {
                    for x in 0..<width where inside[y * width + x] {
                        let survives = offsets.allSatisfy { offset in
                            let (ny, nx) = (y + offset.dy, x + offset.dx)
                            guard ny >= 0, ny < height, nx >= 0, nx < width else { return true }
                            return inside[ny * width + nx]
                        }
                        if !survives { classes[y * width + x] = 0 }
                    }
                }
            }
        }
    }
}
