import ArgumentParser
import Wire

@main
struct GrowHead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grow-head",
        abstract: "The head of a grow cluster.",
        subcommands: [Token.self]
    )
}

struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a new cluster token file (mode 0600).")

    @Argument(help: "Where to write the token.") var path: String

    func run() throws {
        do {
            _ = try ClusterToken.createTokenFile(at: path)
            print("wrote a new cluster token to \(path)")
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
