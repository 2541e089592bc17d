import Foundation

/// An `rsync_exclude` pattern (rsync's syntax, the subset cluster files use): `*` matches within
/// one path component, `**` across components, `?` one character; a pattern without `/` matches
/// the last component at any depth; a leading `/` anchors it at the source; a trailing `/`
/// matches directories only. Pure.
package struct RsyncPattern: Equatable, Sendable {
    package let text: String
    let anchored: Bool
    let directoryOnly: Bool
    let body: [Character]
    let matchesAnyDepth: Bool

    package init(_ text: String) {
        self.text = text
        var body = text
        directoryOnly = body.hasSuffix("/")
        if directoryOnly { body.removeLast() }
        anchored = body.hasPrefix("/")
        if anchored { body.removeFirst() }
        matchesAnyDepth = !anchored && !body.contains("/")
        self.body = Array(body)
    }

    /// `path` is relative to the source folder, components joined by `/`.
    package func matches(_ path: String, isDirectory: Bool) -> Bool {
        if directoryOnly && !isDirectory { return false }
        if matchesAnyDepth {
            let last = path.split(separator: "/").last.map(String.init) ?? path
            return Self.glob(body[...], Array(last)[...])
        }
        if Self.glob(body[...], Array(path)[...]) { return true }
        // An unanchored pattern with a slash may match the tail of the path at a component edge.
        guard !anchored else { return false }
        var characters = Array(path)[...]
        while let slash = characters.firstIndex(of: "/") {
            characters = characters[(slash + 1)...]
            if Self.glob(body[...], characters) { return true }
        }
        return false
    }

    static func glob(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        if first == "*" {
            let doubleStar = pattern.dropFirst().first == "*"
            let rest = pattern.dropFirst(doubleStar ? 2 : 1)
            var index = text.startIndex
            while true {
                if glob(rest, text[index...]) { return true }
                // `**/` also matches no folder at all (`**/.git` excludes a top-level .git).
                if doubleStar, rest.first == "/", index == text.startIndex || text[text.index(before: index)] == "/",
                    glob(rest.dropFirst(), text[index...])
                {
                    return true
                }
                guard index < text.endIndex else { return false }
                if !doubleStar && text[index] == "/" { return false }
                index = text.index(after: index)
            }
        }
        guard let character = text.first else { return false }
        if first == "?" ? character != "/" : first == character {
            return glob(pattern.dropFirst(), text.dropFirst())
        }
        return false
    }
}

/// The excludes that apply to one file: the config's `rsync_exclude` plus the patterns of the
/// `rsync_filter` files (e.g. .gitignore) found in its folder and the folders above it.
package struct RsyncExcludes: Sendable {
    package var patterns: [RsyncPattern]

    package init(_ patterns: [String]) {
        self.patterns = patterns.map(RsyncPattern.init)
    }

    package func excludes(_ path: String, isDirectory: Bool) -> Bool {
        patterns.contains { $0.matches(path, isDirectory: isDirectory) }
    }

    /// Lines of a filter file (gitignore-like): comments, blanks and `!` re-includes are skipped
    /// (rsync's dir-merge with `- ` treats every line as an exclude).
    package static func filterFileLines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix("!") }
    }
}
