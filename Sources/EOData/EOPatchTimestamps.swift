import Foundation
import GrowJob

/// `timestamps.json`: a JSON list of ISO 8601 times as Python's `datetime.isoformat()` writes
/// them for eo-learn's naive UTC datetimes (`"2020-06-01T10:15:31"`, with `.ffffff` only when
/// there are microseconds). Pure arithmetic on the proleptic Gregorian calendar, no formatter
/// or locale involved.
package enum EOPatchTimestamps {
    /// `json.dumps([t.isoformat() for t in timestamps], indent=2)`.
    package static func encode(_ dates: [Date], location: String) throws(EODataError) -> String {
        if dates.isEmpty { return "[]" }
        var lines: [String] = []
        for date in dates { lines.append("  \"\(try isoString(date, location: location))\"") }
        return "[\n" + lines.joined(separator: ",\n") + "\n]"
    }

    /// Parses the list; each entry may be a date, a date and time (`T` or space), with or
    /// without fractional seconds, naive (taken as UTC) or with `Z` / `±HH:MM`.
    package static func decode(_ text: String, location: String) throws(EODataError) -> [Date] {
        let root: JSONValue
        do throws(JSONParser.Failure) {
            root = try JSONParser.parse(text)
        } catch {
            throw EODataError(location, "not valid JSON: \(error.message)")
        }
        guard case .array(let items) = root else {
            throw EODataError(location, "expected a JSON list of ISO 8601 timestamps")
        }
        var dates: [Date] = []
        dates.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .string(let string) = item, let date = parse(string) else {
                throw EODataError(
                    location, "entry \(index) is not an ISO 8601 time like \"2020-06-01T10:15:31\": \(item.excerpt)")
            }
            dates.append(date)
        }
        return dates
    }

    /// Python's `isoformat()` of the naive UTC datetime, to the microsecond.
    package static func isoString(_ date: Date, location: String = "timestamps") throws(EODataError) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        // Python's datetime covers years 1...9999.
        guard micros.isFinite, micros >= -62_135_596_800_000_000, micros < 253_402_300_800_000_000 else {
            throw EODataError(location, "time \(date.timeIntervalSince1970) s since 1970 is outside years 1-9999")
        }
        let total = Int64(micros)
        let (days, dayMicros) = floorDivide(total, 86_400_000_000)
        let (year, month, day) = civil(fromDays: days)
        let seconds = dayMicros / 1_000_000
        let fraction = dayMicros % 1_000_000
        var text =
            pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(seconds / 3600, 2) + ":"
            + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        if fraction != 0 { text += "." + pad(fraction, 6) }
        return text
    }

    /// One ISO 8601 time, or nil.
    package static func parse(_ text: String) -> Date? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.take("-"), let month = scanner.digits(2), scanner.take("-"),
            let day = scanner.digits(2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var micros: Int64 = 0
        if scanner.take("T") || scanner.take(" ") {
            guard let hour = scanner.digits(2), scanner.take(":"), let minute = scanner.digits(2), hour < 24,
                minute < 60
            else { return nil }
            var second: Int64 = 0
            if scanner.take(":") {
                guard let value = scanner.digits(2), value < 60 else { return nil }
                second = value
                if scanner.take(".") || scanner.take(",") {
                    // Keep microseconds, ignore finer digits (Python keeps six).
                    var scale: Int64 = 100_000
                    var digits = 0
                    while let digit = scanner.digit() {
                        micros += digit * scale
                        scale /= 10
                        digits += 1
                    }
                    guard digits > 0 else { return nil }
                }
            }
            micros += ((hour * 60 + minute) * 60 + second) * 1_000_000
            if scanner.take("Z") || scanner.take("z") {
            } else if let sign = scanner.sign() {
                guard let offsetHours = scanner.digits(2), offsetHours < 24 else { return nil }
                _ = scanner.take(":")
                let offsetMinutes = scanner.digits(2) ?? 0
                guard offsetMinutes < 60 else { return nil }
                micros -= sign * (offsetHours * 60 + offsetMinutes) * 60 * 1_000_000
            }
        }
        guard scanner.atEnd else { return nil }
        let days = days(fromCivil: year, month, day)
        return Date(timeIntervalSince1970: Double(days * 86_400_000_000 + micros) / 1_000_000)
    }

    // MARK: - Calendar arithmetic (days since 1970-01-01, proleptic Gregorian)

    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
        return (quotient, value - quotient * divisor)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        var atEnd: Bool { position == bytes.count }

        mutating func take(_ character: Character) -> Bool {
            guard position < bytes.count, let ascii = character.asciiValue, bytes[position] == ascii else {
                return false
            }
            position += 1
            return true
        }

        mutating func digit() -> Int64? {
            guard position < bytes.count, (48...57).contains(bytes[position]) else { return nil }
            position += 1
            return Int64(bytes[position - 1] - 48)
        }

        mutating func digits(_ count: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }

        mutating func sign() -> Int64? {
            if take("+") { return 1 }
            if take("-") { return -1 }
            return nil
        }
    }
}
