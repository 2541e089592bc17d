/// A strict JSON reader that also takes eo-grow's `//` and `/* */` comments. Errors say where
/// (line and column) and under which key the reader was, so a user can find the spot.
package struct JSONParser {
    package struct Failure: Error {
        package var keyPath: String
        package var message: String
    }

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0
    private static let maxDepth = 200

    private init(_ text: String) {
        bytes = Array(text.utf8)
    }

    package static func parse(_ text: String) throws(Failure) -> JSONValue {
        var parser = JSONParser(text)
        parser.skipSpace()
        if parser.position >= parser.bytes.count {
            throw Failure(keyPath: "", message: "empty document, expected a JSON object")
        }
        let value = try parser.value(path: "")
        parser.skipSpace()
        if parser.position < parser.bytes.count {
            throw parser.failure("", "unexpected text after the end of the document")
        }
        return value
    }

    private func failure(_ path: String, _ what: String) -> Failure {
        var line = 1
        var column = 1
        for byte in bytes[0..<min(position, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Failure(keyPath: path, message: "invalid JSON at line \(line), column \(column): \(what)")
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                position += 1
            } else if byte == UInt8(ascii: "/"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "/") {
                while position < bytes.count, bytes[position] != 0x0A { position += 1 }
            } else if byte == UInt8(ascii: "/"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "*") {
                position += 2
                while position + 1 < bytes.count,
                    !(bytes[position] == UInt8(ascii: "*") && bytes[position + 1] == UInt8(ascii: "/"))
                {
                    position += 1
                }
                position = min(position + 2, bytes.count)
            } else {
                return
            }
        }
    }

    private mutating func value(path: String) throws(Failure) -> JSONValue {
        skipSpace()
        guard let byte = current else { throw failure(path, "unexpected end of the document") }
        switch byte {
        case UInt8(ascii: "{"): return try object(path: path)
        case UInt8(ascii: "["): return try array(path: path)
        case UInt8(ascii: "\""): return .string(try string(path: path))
        case UInt8(ascii: "t"):
            try literal("true", path: path)
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false", path: path)
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null", path: path)
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number(path: path))
        default: throw failure(path, "unexpected character '\(Character(Unicode.Scalar(byte)))'")
        }
    }

    private mutating func literal(_ word: String, path: String) throws(Failure) {
        for expected in word.utf8 {
            guard current == expected else { throw failure(path, "expected '\(word)'") }
            position += 1
        }
    }

    private mutating func enter(_ path: String) throws(Failure) {
        depth += 1
        if depth > Self.maxDepth { throw failure(path, "nested deeper than \(Self.maxDepth) levels") }
    }

    private mutating func object(path: String) throws(Failure) -> JSONValue {
        try enter(path)
        defer { depth -= 1 }
        position += 1
        var members: JSONObject = [:]
        skipSpace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard current == UInt8(ascii: "\"") else { throw failure(path, "expected a key in double quotes") }
            let key = try string(path: path)
            let childPath = path.isEmpty ? key : path + "." + key
            if members[key] != nil { throw Failure(keyPath: childPath, message: "key given twice") }
            skipSpace()
            guard current == UInt8(ascii: ":") else { throw failure(childPath, "expected ':' after the key") }
            position += 1
            members[key] = try value(path: childPath)
            skipSpace()
            if current == UInt8(ascii: ",") {
                position += 1
            } else if current == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            } else {
                throw failure(path, "expected ',' or '}'")
            }
        }
    }

    private mutating func array(path: String) throws(Failure) -> JSONValue {
        try enter(path)
        defer { depth -= 1 }
        position += 1
        var items: [JSONValue] = []
        skipSpace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try value(path: "\(path)[\(items.count)]"))
            skipSpace()
            if current == UInt8(ascii: ",") {
                position += 1
            } else if current == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            } else {
                throw failure(path, "expected ',' or ']'")
            }
        }
    }

    private mutating func number(path: String) throws(Failure) -> Double {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        func digits(_ parser: inout JSONParser) -> Int {
            let from = parser.position
            while let byte = parser.current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                parser.position += 1
            }
            return parser.position - from
        }
        let integerStart = position
        let integerDigits = digits(&self)
        if integerDigits == 0 { throw failure(path, "expected digits") }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
            throw failure(path, "leading zero in a number")
        }
        if current == UInt8(ascii: ".") {
            position += 1
            if digits(&self) == 0 { throw failure(path, "expected digits after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            if digits(&self) == 0 { throw failure(path, "expected digits in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw failure(path, "number out of range: \(text)") }
        return value
    }

    private mutating func string(path: String) throws(Failure) -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flush(_ parser: JSONParser, _ scalars: inout String.UnicodeScalarView, _ from: Int) {
            if from < parser.position {
                scalars.append(
                    contentsOf: String(decoding: parser.bytes[from..<parser.position], as: UTF8.self).unicodeScalars)
            }
        }
        while true {
            guard let byte = current else { throw failure(path, "unterminated string") }
            if byte == UInt8(ascii: "\"") {
                flush(self, &scalars, runStart)
                position += 1
                return String(scalars)
            }
            if byte < 0x20 { throw failure(path, "control character in a string (write it as an escape)") }
            if byte != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            flush(self, &scalars, runStart)
            position += 1
            guard let escape = current else { throw failure(path, "unterminated string") }
            position += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4(path: path)
                if (0xD800..<0xDC00).contains(code) {
                    guard current == UInt8(ascii: "\\"), position + 1 < bytes.count,
                        bytes[position + 1] == UInt8(ascii: "u")
                    else { throw failure(path, "lone surrogate in \\u escape") }
                    position += 2
                    let low = try hex4(path: path)
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw failure(path, "bad surrogate pair in \\u escape")
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw failure(path, "invalid \\u escape") }
                scalars.append(scalar)
            default: throw failure(path, "unknown escape '\\\(Character(Unicode.Scalar(escape)))'")
            }
            runStart = position
        }
    }

    private mutating func hex4(path: String) throws(Failure) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = UInt32(String(Unicode.Scalar(byte)), radix: 16) else {
                throw failure(path, "expected four hex digits after \\u")
            }
            code = code * 16 + digit
            position += 1
        }
        return code
    }
}
