import ArgumentParser

@main
struct GrowWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grow-worker",
        abstract: "A worker of a grow cluster: pulls tiles from the head and runs them."
    )
}
