import ArgumentParser
import Foundation
import GrowJob

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a config (or a pipeline chain) without running it, as eogrow-validate does.",
        discussion: """
            Resolves the config language (imports, variables) and checks every key against the \
            pipeline's schema; reads no AOI or input data. A pipeline class grow does not implement \
            is checked by eo-grow's own eogrow-validate. Exits 0 when valid, 2 with the first problem.
            """)

    @Argument(help: "The config file (eo-grow config language).") var config: String
    @Option(name: .customShort("v"), help: "Set a config variable: -v name:value (repeatable).") var variable:
        [String] = []

    func run() async throws {
        try await reportingUserErrors {
            let source = (config as NSString).lastPathComponent
            let configs = try UserError.wrap {
                try ConfigLoader.loadChain(
                    path: config, variables: try ConfigLoader.parseVariableAssignments(variable))
            }
            var foreign = false
            for (position, text) in configs.enumerated() {
                let name = configs.count > 1 ? "\(source)[\(position)]" : source
                if PipelineNames.foreignEOGrowClass(inConfig: text) != nil {
                    foreign = true
                    continue
                }
                try UserError.wrap { try JobSpec.check(json: text, source: name) }
            }
            if foreign {
                // eo-grow's classes (custom ones too): eo-grow checks their schemas itself.
                try EOGrowTools.run(
                    .validate, [config], configFolder: (config as NSString).deletingLastPathComponent, context: source)
                return
            }
            print("\(source): valid (\(configs.count == 1 ? "1 config" : "\(configs.count) configs of a chain"))")
        }
    }
}
