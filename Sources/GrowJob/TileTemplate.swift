/// A string with per-tile placeholders, as used in `command`, `environment` values and `output`:
/// `{tile}` (name), `{index}`, `{x}`, `{y}` (grid only), `{attempt}`, `{job}`, `{work_dir}`,
/// `{project_folder}`. `{{` and `}}` stand for literal braces.
package struct TileTemplate: Sendable, Equatable {
    enum Placeholder: String, Sendable, CaseIterable {
        case tile, index, x, y, attempt, job
        case workDir = "work_dir"
        case projectFolder = "project_folder"
    }

    enum Part: Sendable, Equatable {
        case literal(String)
        case placeholder(Placeholder)
    }

    let parts: [Part]

    var placeholders: [Placeholder] {
        parts.compactMap {
            if case .placeholder(let placeholder) = $0 { return placeholder }
            return nil
        }
    }

    /// Splits the text; the error message names the bad piece.
    package static func parse(_ text: String) -> Result<TileTemplate, TemplateProblem> {
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let character = rest.first {
            if character == "{" {
                if rest.hasPrefix("{{") {
                    literal.append("{")
                    rest = rest.dropFirst(2)
                    continue
                }
                guard let close = rest.firstIndex(of: "}") else {
                    return .failure(TemplateProblem("unclosed '{' (write {{ for a literal brace)"))
                }
                let name = rest[rest.index(after: rest.startIndex)..<close]
                guard let placeholder = Placeholder(rawValue: String(name)) else {
                    let known = Placeholder.allCases.map { "{\($0.rawValue)}" }.joined(separator: ", ")
                    return .failure(TemplateProblem("unknown placeholder {\(name)}; known: \(known) ({{ for a brace)"))
                }
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(.placeholder(placeholder))
                rest = rest[rest.index(after: close)...]
            } else if character == "}" {
                guard rest.hasPrefix("}}") else {
                    return .failure(TemplateProblem("unmatched '}' (write }} for a literal brace)"))
                }
                literal.append("}")
                rest = rest.dropFirst(2)
            } else {
                literal.append(character)
                rest = rest.dropFirst()
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return .success(TileTemplate(parts: parts))
    }

    package struct TemplateProblem: Error, Equatable {
        package var message: String
        package init(_ message: String) { self.message = message }
    }

    /// The values a placeholder takes for one tile attempt.
    package struct Values: Sendable {
        var tile: String
        var index: UInt32
        var x: Int?
        var y: Int?
        var attempt: UInt32
        var job: UInt32
        var workDir: String
        var projectFolder: String?

        package init(
            tile: String, index: UInt32, x: Int?, y: Int?, attempt: UInt32, job: UInt32, workDir: String,
            projectFolder: String?
        ) {
            self.tile = tile
            self.index = index
            self.x = x
            self.y = y
            self.attempt = attempt
            self.job = job
            self.workDir = workDir
            self.projectFolder = projectFolder
        }
    }

    /// The text for one tile; placeholders without a value (checked away at parse time) become "".
    package func render(_ values: Values) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .placeholder(.tile): out += values.tile
            case .placeholder(.index): out += String(values.index)
            case .placeholder(.x): out += values.x.map { String($0) } ?? ""
            case .placeholder(.y): out += values.y.map { String($0) } ?? ""
            case .placeholder(.attempt): out += String(values.attempt)
            case .placeholder(.job): out += String(values.job)
            case .placeholder(.workDir): out += values.workDir
            case .placeholder(.projectFolder): out += values.projectFolder ?? ""
            }
        }
        return out
    }
}
