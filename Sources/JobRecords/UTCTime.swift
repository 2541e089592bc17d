import Foundation

/// UTC timestamps in the forms the records use, formatted by hand (no DateFormatter: this is
/// called per log line, and formatters are neither cheap nor thread-safe on every platform).
enum UTCTime {
    struct Parts {
        var year, month, day, hour, minute, second, millisecond: Int
    }

    static func parts(_ date: Date) -> Parts {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var millisecond = Int(((interval - interval.rounded(.down)) * 1000).rounded(.down))
        if millisecond >= 1000 {
            millisecond = 999
        }
        var broken = tm()
        gmtime_r(&seconds, &broken)
        return Parts(
            year: Int(broken.tm_year) + 1900, month: Int(broken.tm_mon) + 1, day: Int(broken.tm_mday),
            hour: Int(broken.tm_hour), minute: Int(broken.tm_min), second: Int(broken.tm_sec), millisecond: millisecond)
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// `2024-05-01T12-30-05Z`: safe in a file name (eo-grow's logs folder names).
    static func fileStamp(_ date: Date) -> String {
        let p = parts(date)
        return "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day))T\(pad(p.hour))-\(pad(p.minute))-\(pad(p.second))Z"
    }

    /// ISO 8601 with milliseconds: `2024-05-01T12:30:05.123Z`.
    static func iso8601(_ date: Date) -> String {
        let p = parts(date)
        return "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day))T\(pad(p.hour)):\(pad(p.minute)):\(pad(p.second))"
            + ".\(pad(p.millisecond, 3))Z"
    }
}
