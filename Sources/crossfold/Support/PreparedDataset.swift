import Cluster
import Datasets
import Evaluation
import Folds
import Learners
import Logging
import Wire
import ZeroMQ

/// A dataset file validated and mapped in its canonical form, ready to ship.
struct PreparedDataset: Sendable {
    let file: DatasetFile
    /// The canonical bytes, pinned over the mapping: uploaded from in place.
    let canonical: PinnedBuffer

    var path: String { file.source }
    var dataset: Dataset { file.dataset }
    var hash: String { file.sha256 }

    /// Opens and validates `path` (`DatasetFile.open`); warnings (a concept under 50 inputs) go to
    /// the log, worded for the dataset's `role`.
    static func load(
        _ path: String, labels: String?, role: DatasetRole = .training, scratchDirectory: String, logger: Logger
    ) throws -> PreparedDataset {
        let started = ContinuousClock.now
        let file = try DatasetFile.open(path, labels: labels, scratchDirectory: scratchDirectory, knownHashes: KnownHashes.directory)
        DatasetWarnings.log(file.warnings, of: file.dataset, file: path, role: role, logger: logger)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        logger.info("dataset prepared", metadata: [
            "dataset": "\(path)", "sha256": "\(file.sha256)", "bytes": "\(file.canonical.size)",
            "rows": "\(file.dataset.rowCount)", "seconds": "\((seconds * 1000).rounded() / 1000)",
        ])
        return PreparedDataset(file: file, canonical: PinnedBuffer(mapping: file.canonical))
    }
}

/// The datasets of one evaluation and the job that evaluates them.
struct PreparedJob: Sendable {
    let training: PreparedDataset
    let holdout: PreparedDataset?
    let spec: JobSpec

    /// Loads the datasets and checks the plan locally, so a bad dataset or option fails here with
    /// the file's name before anything is uploaded.
    static func prepare(_ options: EvaluationOptions, scratch: ScratchOptions, logger: Logger) throws -> PreparedJob {
        let path = try options.requireDataset()
        let directory = scratch.directory
        let training = try PreparedDataset.load(path, labels: options.labels, scratchDirectory: directory, logger: logger)
        let holdout = try options.holdout.map {
            try PreparedDataset.load($0, labels: options.holdoutLabels, role: .holdout, scratchDirectory: directory, logger: logger)
        }
        let split = options.split ?? (training.dataset.isMultiLabel ? SplitStrategy.multilabel : .stratified).rawValue
        if let holdout {
            _ = try DatasetValidator.alignHoldout(
                holdout.dataset, file: holdout.path, to: training.dataset, trainingFile: training.path)
        }
        let sweep = options.isSweep ? try options.sweepConfigurations() : nil
        if holdout == nil, let strategy = SplitStrategy(rawValue: split) {
            // What the coordinator would refuse whatever its memory, refused before the plan is
            // built here (repeats of 10^18 would exhaust this process's memory) and before any upload.
            if let tooLarge = Self.sizeRefusal(options, configurations: sweep?.count ?? 1, training: training.dataset) {
                throw CommandFailure(.usage, tooLarge)
            }
            _ = try FoldPlanner.plan(
                for: training.dataset, strategy: strategy, folds: options.folds, repeats: options.repeats,
                seed: options.seed, source: path)
        }
        var spec = JobSpec(
            dataset: training.hash, datasetName: path, holdout: holdout?.hash, holdoutName: holdout?.path,
            split: split, folds: options.folds, repeats: options.repeats, seed: options.seed,
            model: sweep == nil ? options.model ?? LearnerCatalog.defaultModel(for: training.dataset) : JobSpec.sweepModel,
            params: sweep == nil ? try options.parameters() : [:], threshold: options.threshold,
            testSet: options.testSet == TestSetSource.Scope.split.rawValue ? nil : options.testSet,
            configurations: sweep)
        spec.verify = options.verify
        return PreparedJob(training: training, holdout: holdout, spec: spec)
    }

    var datasets: [PreparedDataset] { [training] + (holdout.map { [$0] } ?? []) }

    /// Why a plan of these folds and repeats (× a sweep's configurations) over `training` is too
    /// large for any coordinator (`JobLimits`: too many to count, a plan over 2^28 entries, or a
    /// result over 512 MiB), or nil. How many tasks its memory holds is the coordinator's to say.
    static func sizeRefusal(_ options: EvaluationOptions, configurations: Int, training: Dataset) -> String? {
        if let tooLarge = JobLimits.refusal(folds: options.folds, repeats: options.repeats, rows: training.rowCount) {
            return tooLarge
        }
        let tasks = JobSpec.taskCount(folds: options.folds, repeats: options.repeats, configurations: configurations)
        return JobLimits.resultRefusal(tasks: tasks, conceptIDs: training.concepts)
    }
}
