/// One XML element: its local name (namespace prefix dropped), child elements, and the character
/// data directly inside it (entities and CDATA decoded). Attributes are not kept: S3's answers
/// carry everything in elements.
package struct XMLNode: Sendable, Equatable {
    package var name: String
    package var children: [XMLNode] = []
    package var text: String = ""

    package init(name: String, children: [XMLNode] = [], text: String = "") {
        self.name = name
        self.children = children
        self.text = text
    }

    package func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    package func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }
    /// The text of the first child called `name`.
    package func value(_ name: String) -> String? { child(name)?.text }
}

/// A small, strict parser for the XML documents S3 answers with. Handles the declaration,
/// comments, processing instructions, a DOCTYPE without an internal subset, CDATA sections,
/// attributes (skipped, quotes respected), the five named entities and numeric character
/// references. Not a general XML parser: no DTDs, no custom entities.
package enum XMLTree {
    package struct ParseError: Error, CustomStringConvertible, Equatable, Sendable {
        package var offset: Int
        package var reason: String
        package var description: String { "malformed XML at byte \(offset): \(reason)" }

        package init(offset: Int, reason: String) {
            self.offset = offset
            self.reason = reason
        }
    }

    package static func parse(_ text: String) throws(ParseError) -> XMLNode {
        try parse(Array(text.utf8))
    }

    package static func parse(_ bytes: [UInt8]) throws(ParseError) -> XMLNode {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        /// Open elements; each keeps its text as bytes until it closes.
        var stack: [(element: XMLNode, text: [UInt8])] = []

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // UTF-8 byte order mark
        }

        mutating func document() throws(ParseError) -> XMLNode {
            var root: XMLNode?
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "<") {
                    if starts("<?") {
                        try skip(past: "?>")
                    } else if starts("<!--") {
                        try skip(past: "-->")
                    } else if starts("<![CDATA[") {
                        guard !stack.isEmpty else { throw fail("CDATA outside the root element") }
                        index += 9
                        let start = index
                        try skip(past: "]]>")
                        stack[stack.count - 1].text += bytes[start..<(index - 3)]
                    } else if starts("<!DOCTYPE") {
                        if let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")),
                            !bytes[index..<end].contains(UInt8(ascii: "["))
                        {
                            index = end + 1
                        } else {
                            throw fail("DOCTYPE with an internal subset is not supported")
                        }
                    } else if starts("</") {
                        index += 2
                        let name = try readName()
                        skipSpace()
                        try expect(">")
                        guard let open = stack.popLast() else {
                            throw fail("closing tag </\(name)> without an open element")
                        }
                        guard open.element.name == name else {
                            throw fail("closing tag </\(name)> does not match <\(open.element.name)>")
                        }
                        var element = open.element
                        element.text = String(decoding: open.text, as: UTF8.self)
                        if stack.isEmpty {
                            root = element
                        } else {
                            stack[stack.count - 1].element.children.append(element)
                        }
                    } else {
                        guard root == nil || !stack.isEmpty else { throw fail("a second root element") }
                        index += 1
                        let name = try readName()
                        let selfClosing = try skipAttributes()
                        let element = XMLNode(name: name)
                        if selfClosing {
                            if stack.isEmpty {
                                root = element
                            } else {
                                stack[stack.count - 1].element.children.append(element)
                            }
                        } else {
                            stack.append((element, []))
                        }
                    }
                } else {
                    let start = index
                    while index < bytes.count, bytes[index] != UInt8(ascii: "<") { index += 1 }
                    let decoded = try decodeEntities(bytes[start..<index], at: start)
                    if stack.isEmpty {
                        guard decoded.allSatisfy(Parser.isSpace) else {
                            throw fail("text outside the root element", at: start)
                        }
                    } else {
                        stack[stack.count - 1].text += decoded
                    }
                }
            }
            if let open = stack.last { throw fail("element <\(open.element.name)> is not closed") }
            guard let root else { throw fail("no root element") }
            return root
        }

        func starts(_ literal: String) -> Bool {
            bytes[index...].starts(with: literal.utf8)
        }

        mutating func skip(past literal: String) throws(ParseError) {
            let pattern = Array(literal.utf8)
            var position = index
            while position + pattern.count <= bytes.count {
                if bytes[position] == pattern[0], bytes[position..<(position + pattern.count)].elementsEqual(pattern) {
                    index = position + pattern.count
                    return
                }
                position += 1
            }
            throw fail("missing \(literal)")
        }

        mutating func expect(_ character: Character) throws(ParseError) {
            guard index < bytes.count, bytes[index] == character.asciiValue else {
                throw fail("expected '\(character)'")
            }
            index += 1
        }

        mutating func skipSpace() {
            while index < bytes.count, Parser.isSpace(bytes[index]) { index += 1 }
        }

        /// A tag name; a namespace prefix (`s3:Key`) is dropped.
        mutating func readName() throws(ParseError) -> String {
            let start = index
            while index < bytes.count, !Parser.isSpace(bytes[index]),
                ![UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "<")].contains(bytes[index])
            {
                index += 1
            }
            guard index > start else { throw fail("expected a tag name") }
            let name = String(decoding: bytes[start..<index], as: UTF8.self)
            if let colon = name.lastIndex(of: ":") { return String(name[name.index(after: colon)...]) }
            return name
        }

        /// Skips `name="value"` pairs up to `>` or `/>`; returns whether the tag closed itself.
        mutating func skipAttributes() throws(ParseError) -> Bool {
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ">") {
                    index += 1
                    return false
                }
                if byte == UInt8(ascii: "/") {
                    index += 1
                    try expect(">")
                    return true
                }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    guard let end = bytes[(index + 1)...].firstIndex(of: byte) else {
                        throw fail("unterminated attribute value")
                    }
                    index = end + 1
                } else if byte == UInt8(ascii: "<") {
                    throw fail("'<' inside a tag")
                } else {
                    index += 1
                }
            }
            throw fail("unterminated tag")
        }

        func decodeEntities(_ slice: ArraySlice<UInt8>, at offset: Int) throws(ParseError) -> [UInt8] {
            guard slice.contains(UInt8(ascii: "&")) else { return Array(slice) }
            var out: [UInt8] = []
            out.reserveCapacity(slice.count)
            var position = slice.startIndex
            while position < slice.endIndex {
                let byte = slice[position]
                guard byte == UInt8(ascii: "&") else {
                    out.append(byte)
                    position += 1
                    continue
                }
                guard let end = slice[position...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                    throw fail("'&' that starts no entity", at: position)
                }
                let name = String(decoding: slice[(position + 1)..<end], as: UTF8.self)
                switch name {
                case "amp": out.append(UInt8(ascii: "&"))
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "quot": out.append(UInt8(ascii: "\""))
                case "apos": out.append(UInt8(ascii: "'"))
                default:
                    let value: UInt32?
                    if name.hasPrefix("#x") || name.hasPrefix("#X") {
                        value = UInt32(name.dropFirst(2), radix: 16)
                    } else if name.hasPrefix("#") {
                        value = UInt32(name.dropFirst(), radix: 10)
                    } else {
                        value = nil
                    }
                    guard let value, let scalar = Unicode.Scalar(value) else {
                        throw fail("unknown entity &\(name);", at: position)
                    }
                    out += Array(String(Character(scalar)).utf8)
                }
                position = end + 1
            }
            return out
        }

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }

        func fail(_ reason: String, at offset: Int? = nil) -> ParseError {
            ParseError(offset: offset ?? index, reason: reason)
        }
    }
}
