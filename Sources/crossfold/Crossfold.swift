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
            ResultsCommand.self, ClarifaiCommand.self, HealthCommand.self, KeysCommand.self, CacheCommand.self,
        ]
    )

    static var software: String { "crossfold \(version)" }

    /// Parses the command line and runs the command, with a clear error instead of a crash when a
    /// mapped dataset file is cut short under it (`MappedFileFault`).
    static func main() async {
        MappedFileFault.install()
        LargeAllocations.returnToSystemWhenFreed()
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
