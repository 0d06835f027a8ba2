import ArgumentParser

/// `crossfold`: K-fold cross validation of classifiers, the way Clarifai's Model Evaluation does
/// it, on a ZeroMQ cluster of your own machines.
@main
struct Crossfold: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "crossfold",
        abstract: "Evaluate classifiers by K-fold cross validation on a cluster of your own machines.",
        discussion: "Exit codes (every command):\n" + ExitStatus.table,
        version: version,
        subcommands: [
            EvaluateCommand.self, DatasetCommand.self, ModelsCommand.self,
            CoordinatorCommand.self, WorkerCommand.self,
            SubmitCommand.self, JobsCommand.self, StatusCommand.self, WatchCommand.self, CancelCommand.self,
            ResultsCommand.self, ClarifaiCommand.self, HealthCommand.self, KeysCommand.self,
        ]
    )

    static var software: String { "crossfold \(version)" }
}
