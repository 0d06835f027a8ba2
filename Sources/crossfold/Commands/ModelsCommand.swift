import ArgumentParser
import Learners

/// `crossfold models`: the learners and their `--param` keys.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the built-in learners and their --param hyperparameters.")

    func run() async throws {
        Terminal.standardOutput(LearnerCatalog.documentation + "\n")
    }
}
