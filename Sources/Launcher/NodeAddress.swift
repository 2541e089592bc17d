/// Checks the addresses in `provider.head_ip` / `worker_ips`: an IPv4 address, an IPv6 address or
/// a DNS host name. Pure text checks, no lookups.
package enum NodeAddress {
    /// Nil when `text` is a usable address, otherwise what is wrong with it.
    package static func problem(with text: String) -> String? {
        if text.isEmpty { return "is empty" }
        if text.hasPrefix("<") || text.contains(">") {
            return "\"\(text)\" is a placeholder from the template: put the node's address here"
        }
        if text.contains(":") {
            return isIPv6(text) ? nil : "\"\(text)\" is not an IPv4/IPv6 address or host name"
        }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        if labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) })
            || text.first?.isNumber == true
                && labels.last?.allSatisfy(\.isNumber) == true
        {
            return isIPv4(text) ? nil : "\"\(text)\" is not a valid IPv4 address (four numbers 0-255)"
        }
        return isHostName(text) ? nil : "\"\(text)\" is not an IPv4/IPv6 address or host name"
    }

    package static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(part), value <= 255
            else { return false }
            return part.count == 1 || part.first != "0"
        }
    }

    package static func isIPv6(_ text: String) -> Bool {
        let body = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        guard body.count >= 2, body.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        let doubleColons = body.components(separatedBy: "::").count - 1
        guard doubleColons <= 1 else { return false }
        var groups = body.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
        var needed = 8
        if let last = groups.last, last.contains(".") {
            guard isIPv4(last) else { return false }
            groups.removeLast()
            needed = 6
        }
        guard groups.allSatisfy({ $0.count <= 4 && !$0.contains(".") }) else { return false }
        return doubleColons == 1 ? groups.count < needed : groups.count == needed
    }

    package static func isHostName(_ text: String) -> Bool {
        guard text.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}
