import ArgumentParser
import Foundation
import GrowJob

struct TemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Print a config template of a pipeline: every key with its type and default.",
        discussion: """
            PIPELINE is an eo-grow class path (eogrow.pipelines.features.FeaturesPipeline) or grow's \
            name (features). Values read "<< default : type // description >>"; keys marked "grow:" \
            are grow's extensions. A class grow does not implement is templated by eo-grow's \
            eogrow-template.
            """)

    @Argument(help: "The pipeline: an eo-grow class path or grow's name.") var pipeline: String
    @Argument(help: "Write the template here instead of printing it.") var output: String?
    @Flag(help: "Add each key's description.") var addDescriptions = false
    @Flag(help: "Only the keys that must be given.") var requiredOnly = false
    @Flag(name: .shortAndLong, help: "Overwrite OUTPUT if it exists.") var force = false

    func run() async throws {
        try await reportingUserErrors {
            guard
                let template = ConfigTemplate.render(
                    pipeline: pipeline, descriptions: addDescriptions, requiredOnly: requiredOnly)
            else {
                guard PipelineNames.isForeignEOGrowClass(pipeline) else {
                    throw UserError(
                        "unknown pipeline \"\(pipeline)\"; expected an eo-grow class path or one of \(PipelineKind.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                var arguments = [pipeline] + (output.map { [$0] } ?? [])
                if addDescriptions { arguments.append("--add-descriptions") }
                if requiredOnly { arguments.append("--required-only") }
                if force { arguments.append("--force") }
                try EOGrowTools.run(.template, arguments, context: pipeline)
                return
            }
            let text = template.prettyText + "\n"
            guard let output else {
                print(text, terminator: "")
                return
            }
            guard force || !FileManager.default.fileExists(atPath: output) else {
                throw UserError("\(output) exists; add --force to overwrite it")
            }
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw UserError("\(output): cannot write (\(error.localizedDescription))")
            }
        }
    }
}
