/// An image reference as `docker push` takes it, `REGISTRY/REPOSITORY[:TAG]`, with the registry
/// named (where `grow-head image push` logs in). Docker's rule decides what the registry is: a
/// first component with a `.` or a `:`, or `localhost`. An ECR registry
/// (`ACCOUNT.dkr.ecr.REGION.amazonaws.com`) also gives the region to ask for the login. Pure.
package struct ImageReference: Equatable, Sendable, CustomStringConvertible {
    package let registry: String
    package let repository: String
    package let tag: String

    package init(parsing text: String) throws(ImageReferenceError) {
        guard !text.isEmpty, !text.contains(where: { $0.isWhitespace }) else {
            throw .init(text, "is empty or has spaces")
        }
        guard !text.contains("@") else {
            throw .init(text, "names a digest: push takes a tag (REGISTRY/REPOSITORY:TAG); the digest is printed")
        }
        guard let slash = text.firstIndex(of: "/") else {
            throw .init(text, "names no registry: write REGISTRY/REPOSITORY:TAG, e.g. \(Self.ecrExample)")
        }
        let registry = String(text[..<slash])
        guard Self.isRegistryHost(registry) else {
            throw .init(text, "names no registry (\"\(registry)\" is not a registry host): e.g. \(Self.ecrExample)")
        }
        var rest = String(text[text.index(after: slash)...])
        var tag = "latest"
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = String(rest[..<colon])
        }
        guard !rest.isEmpty,
            rest.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(Self.isRepositoryComponent)
        else {
            throw .init(text, "has an invalid repository \"\(rest)\" (lowercase letters, digits, . _ - and /)")
        }
        guard Self.isTag(tag) else { throw .init(text, "has an invalid tag \"\(tag)\"") }
        self.registry = registry
        self.repository = rest
        self.tag = tag
    }

    package var description: String { "\(registry)/\(repository):\(tag)" }
    /// The name without the tag, as `docker image inspect`'s RepoDigests write it (`NAME@sha256:…`).
    package var name: String { "\(registry)/\(repository)" }

    /// The region of an ECR registry host, nil for any other registry.
    package var ecrRegion: String? { Self.ecrRegion(host: registry) }

    /// Docker's rule for a registry: a host with a `.` or a `:` (a port), or `localhost`.
    package static func isRegistryHost(_ host: String) -> Bool {
        guard host.contains(".") || host.contains(":") || host == "localhost" else { return false }
        return host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) }
    }

    /// The region of an ECR registry host (`ACCOUNT.dkr.ecr.REGION.amazonaws.com`), else nil.
    package static func ecrRegion(host: String) -> String? {
        let parts = host.split(separator: ".").map(String.init)
        guard parts.count == 6, parts[1] == "dkr", parts[2] == "ecr", parts[4] == "amazonaws", parts[5] == "com",
            parts[0].allSatisfy(\.isNumber)
        else { return nil }
        return parts[3]
    }

    static let ecrExample = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/grow:latest"

    static func isRepositoryComponent(_ part: Substring) -> Bool {
        guard let first = part.first, let last = part.last, first.isLetter || first.isNumber,
            last.isLetter || last.isNumber
        else { return false }
        return part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) }
    }

    static func isTag(_ tag: String) -> Bool {
        guard let first = tag.first, tag.count <= 128, first != ".", first != "-" else { return false }
        return tag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}

package struct ImageReferenceError: Error, Equatable, CustomStringConvertible {
    package let description: String
    init(_ text: String, _ problem: String) { description = "image \"\(text)\" \(problem)" }
}
