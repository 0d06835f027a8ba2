import Datasets
import Folds
import Logging
import Wire
import ZeroMQ

/// A dataset file loaded, validated and turned into its canonical bytes, ready to ship.
struct PreparedDataset: Sendable {
    let path: String
    let dataset: Dataset
    /// The canonical bytes, pinned: uploaded from, or shared with an embedded coordinator, in place.
    let canonical: PinnedBuffer
    let hash: String

    /// Loads and validates `path`; warnings (a concept under 50 inputs) go to the log, worded for
    /// the dataset's `role`.
    static func load(_ path: String, labels: String?, role: DatasetRole = .training, logger: Logger) throws -> PreparedDataset {
        let dataset = try DatasetReader.load(path: path, labelsPath: labels)
        let warnings = try DatasetValidator.validate(dataset, file: path)
        DatasetWarnings.log(warnings, of: dataset, file: path, role: role, logger: logger)
        let bytes = CanonicalDataset.encode(dataset)
        return PreparedDataset(path: path, dataset: dataset, canonical: PinnedBuffer(bytes), hash: SHA256Hasher.hash(bytes))
    }
}

/// The datasets of one evaluation and the job that evaluates them.
struct PreparedJob: Sendable {
    let training: PreparedDataset
    let holdout: PreparedDataset?
    let spec: JobSpec

    /// Loads the datasets and checks the plan locally, so a bad dataset or option fails here with
    /// the file's name before anything is uploaded.
    static func prepare(_ options: EvaluationOptions, logger: Logger) throws -> PreparedJob {
        let path = try options.requireDataset()
        let training = try PreparedDataset.load(path, labels: options.labels, logger: logger)
        let holdout = try options.holdout.map {
            try PreparedDataset.load($0, labels: options.holdoutLabels, role: .holdout, logger: logger)
        }
        let split = options.split ?? (training.dataset.isMultiLabel ? SplitStrategy.multilabel : .stratified).rawValue
        if let holdout {
            _ = try DatasetValidator.alignHoldout(
                holdout.dataset, file: holdout.path, to: training.dataset, trainingFile: training.path)
        } else if let strategy = SplitStrategy(rawValue: split) {
            _ = try FoldPlanner.plan(
                for: training.dataset, strategy: strategy, folds: options.folds, repeats: options.repeats,
                seed: options.seed, source: path)
        }
        let spec = JobSpec(
            dataset: training.hash, datasetName: path, holdout: holdout?.hash, holdoutName: holdout?.path,
            split: split, folds: options.folds, repeats: options.repeats, seed: options.seed, model: options.model,
            params: try options.parameters(), threshold: options.threshold)
        return PreparedJob(training: training, holdout: holdout, spec: spec)
    }

    var datasets: [PreparedDataset] { [training] + (holdout.map { [$0] } ?? []) }
}
