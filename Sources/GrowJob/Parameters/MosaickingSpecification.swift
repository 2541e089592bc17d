import Foundation

/// The `mosaicking` section of eo-grow's `MosaickingFeaturesPipeline`: `n_mosaics` equal
/// intervals of `time_period`, each composited by the median or by the maximum of an index.
package struct MosaickingSpecification: Sendable, Equatable {
    static let keys: [ConfigKey] = [
        .required(
            "time_period", "Tuple[date, date]",
            "The first and last day, [\"2020-01-01\", \"2020-12-31\"], or a preset and a year: [\"Q2\", 2020] (yearly, season, Q1..Q4, Q1-yearly..Q4-yearly)."
        ),
        .required("n_mosaics", "int", "Equal intervals the period is cut into: one mosaic each."),
        .optional(
            "max_ndi_indices", "Optional[Tuple[int, int]]", default: "null",
            "Take each pixel from the observation with the largest index of these two bands (e.g. NDVI); the median when missing."
        ),
    ]

    /// Midnight UTC of the first and the last day.
    package var start: Date
    package var end: Date
    package var count: Int
    package var maxNDIIndices: (Int, Int)?

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.start == rhs.start && lhs.end == rhs.end && lhs.count == rhs.count
            && lhs.maxNDIIndices.map { [$0.0, $0.1] } == rhs.maxNDIIndices.map { [$0.0, $0.1] }
    }

    init(_ reader: inout ParameterReader) throws(JobSpecError) {
        guard case .array(let items)? = reader.value("time_period"), items.count >= 2 else {
            throw reader.fail(
                "time_period", "expected [start, end] dates or [preset, year], e.g. [\"2020-01-01\", \"2020-12-31\"]")
        }
        (start, end) = try Self.period(items, reader.fail("time_period", ""))
        guard start <= end else {
            throw reader.fail("time_period", "the end date is before the start date")
        }
        count = try reader.integer("n_mosaics", in: 1...100_000)
        maxNDIIndices = try reader.integers("max_ndi_indices", count: 2, in: -10_000...10_000).map { ($0[0], $0[1]) }
    }

    /// eo-grow's presets: [kind, year] → first and last day.
    private static let presets: [String: (startYear: Int, start: String, end: String)] = [
        "yearly": (0, "01-01", "12-31"), "season": (-1, "09-01", "09-01"),
        "Q1": (0, "01-01", "03-31"), "Q2": (0, "04-01", "06-30"), "Q3": (0, "07-01", "09-30"),
        "Q4": (0, "10-01", "12-31"), "Q1-yearly": (-1, "04-01", "03-31"), "Q2-yearly": (-1, "07-01", "06-30"),
        "Q3-yearly": (-1, "10-01", "09-30"), "Q4-yearly": (0, "01-01", "12-31"),
    ]

    private static func period(_ items: [JSONValue], _ failure: JobSpecError) throws(JobSpecError) -> (Date, Date) {
        func fail(_ message: String) -> JobSpecError {
            JobSpecError(source: failure.source, keyPath: failure.keyPath, message: message)
        }
        var texts: [String] = []
        for item in items.prefix(2) {
            switch item {
            case .string(let text): texts.append(text)
            case .number(let number) where number.rounded() == number: texts.append(String(Int(number)))
            default: throw fail("expected dates or [preset, year], got \(item.excerpt)")
            }
        }
        if let preset = presets[texts[0]] {
            guard let year = Int(texts[1].trimmingCharacters(in: .whitespaces)) else {
                throw fail("\(JSONValue.quote(texts[1])) is not a year")
            }
            texts = ["\(year + preset.startYear)-\(preset.start)", "\(year)-\(preset.end)"]
        }
        var days: [Date] = []
        for text in texts {
            // eo-grow keeps the date of an ISO time and drops the time of day.
            guard let time = Timestamps.parse(text) else {
                throw fail(
                    "\(JSONValue.quote(text)) is neither an ISO date nor a preset (\(presets.keys.sorted().joined(separator: ", ")))"
                )
            }
            days.append(Date(timeIntervalSince1970: (time.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400))
        }
        return (days[0], days[1])
    }
}
