import ArgumentParser
import Cluster
import Evaluation
import Folds
import Foundation
import Learners
import Wire

/// What to evaluate and how: shared by `evaluate` and `submit`.
struct EvaluationOptions: ParsableArguments {
    @Argument(help: "The labelled dataset: .csv, .jsonl, .npy (with --labels) or .cfds.")
    var dataset: String?

    @Option(help: "Labels file of an .npy dataset (default: <stem>.labels.txt beside it).")
    var labels: String?

    // Optional, so that --holdout can refuse them when given; `folds` and `repeats` hold the values.
    // Numbers parse unconditionally: `--folds -3` is a bad value, not a missing one.
    @Option(name: .customLong("folds"), parsing: .unconditional,
            help: ArgumentHelp("Number of folds K: hold out 1/K, train on the rest, K times (default: 5).", valueName: "folds"))
    var givenFolds: Int?

    @Option(name: .customLong("repeats"), parsing: .unconditional,
            help: ArgumentHelp("Repeat the K-fold split this many times with different shuffles (default: 1).", valueName: "repeats"))
    var givenRepeats: Int?

    var folds: Int { givenFolds ?? 5 }
    var repeats: Int { givenRepeats ?? 1 }

    @Option(help: "How rows are dealt into folds: stratified, random, group or multilabel (default: stratified for exclusive concepts, multilabel for multi-label data).")
    var split: String?

    @Option(name: .customLong("model"), help: ArgumentHelp(
        "Learner: \(LearnerCatalog.catalogue.map(\.name).joined(separator: ", ")) (default: softmax for exclusive concepts, logistic for multi-label data). A sweep: repeat --model, each MODEL or MODEL:KEY=V1,V2[:KEY=...], to evaluate every combination on the same folds and compare them (e.g. --model logistic:C=0.1,1,10 --model knn:k=5,15).",
        valueName: "model"))
    var models: [String] = []

    /// The one model of a plain evaluation (nil: the dataset's default).
    var model: String? { models.first }

    /// Whether the `--model`s make a sweep (`ModelGrid.isSweep`).
    var isSweep: Bool { ModelGrid.isSweep(models) }

    @Option(name: .customLong("param"), help: "A learner hyperparameter KEY=VALUE (repeatable); see `crossfold models`. With one --model's grid, a value every configuration shares.")
    var params: [String] = []

    @Option(parsing: .unconditional, help: "Seed of the fold plan and of the learners.")
    var seed: UInt64 = 42

    @Option(parsing: .unconditional, help: "Threshold for TP/FP/FN, precision, recall and F1.")
    var threshold: Double = 0.5

    @Option(help: ArgumentHelp(
        "Inputs listed in the result's test_set: split (Clarifai's: the first fold's held-out inputs, at most 1,000) or all (every input's out-of-fold prediction; large for large datasets).",
        valueName: "split|all"))
    var testSet: String = "split"

    @Option(help: "Train on all of DATASET and evaluate on this dataset instead of K folds (Clarifai's use_kfold=false).")
    var holdout: String?

    @Option(help: "Labels file of an .npy holdout.")
    var holdoutLabels: String?

    @Option(help: ArgumentHelp(
        "Compute this fraction of the tasks (0-1; at least one per worker that contributed) a second time on another worker and compare the results bit for bit; a disagreement is settled by a third worker and the worker in the minority is quarantined (default: the coordinator's --verify, else none).",
        valueName: "fraction"))
    var verify: Double?

    func validate() throws {
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        if holdout != nil {
            for (flag, given) in [("--folds", givenFolds != nil), ("--repeats", givenRepeats != nil), ("--split", split != nil)] where given {
                throw ValidationError("\(flag) does not apply with --holdout, which trains on all of DATASET once and "
                    + "evaluates the holdout once; drop \(flag), or drop --holdout to cross-validate")
            }
        }
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
        if let verify, !(0...1).contains(verify) {
            throw ValidationError("--verify \(verify) is not a fraction between 0 and 1 (0.1 recomputes a tenth of the tasks)")
        }
        guard TestSetSource.Scope(rawValue: testSet) != nil else {
            throw ValidationError("--test-set \(testSet) is not split or all")
        }
        if let split, SplitStrategy(rawValue: split) == nil {
            let known = SplitStrategy.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--split \(split) is not one of \(known)")
        }
        _ = try parameters()
        if isSweep {
            try validateSweep()
            return
        }
        do {
            // Both defaults (softmax and logistic) take the same parameters.
            try LearnerCatalog.validate(learnerSpec(multiLabel: false))
        } catch {
            guard model == nil else { throw ValidationError(error.description) }
            throw ValidationError(error.description.replacingOccurrences(
                of: "model 'softmax'", with: "the default model (softmax for exclusive concepts, logistic for multi-label data)"))
        }
    }

    /// A sweep's grid, checked before any work: malformed or unknown, too large, or with --holdout.
    private func validateSweep() throws {
        if holdout != nil {
            throw ValidationError("a sweep compares configurations over the folds of one plan; drop --holdout, "
                + "or evaluate one model at a time against the holdout")
        }
        let configurations = try sweepConfigurations()
        let perConfiguration = JobSpec.taskCount(folds: folds, repeats: repeats, configurations: 1)
        if let tooLarge = JobLimits.refusal(configurations: configurations.count, tasksPerConfiguration: perConfiguration) {
            throw ValidationError(tooLarge)
        }
    }

    /// A sweep's configurations in order (`ModelGrid`); a usage error says what to write instead.
    func sweepConfigurations() throws -> [ModelConfiguration] {
        let params = try parameters()
        do {
            return try ModelGrid.configurations(models: models, params: params, seed: seed).map {
                ModelConfiguration(model: $0.model, params: $0.params)
            }
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// `--param` values as a dictionary.
    func parameters() throws -> [String: String] {
        var values: [String: String] = [:]
        for param in params {
            guard let equals = param.firstIndex(of: "="), equals != param.startIndex else {
                throw ValidationError("--param \(param) is not KEY=VALUE")
            }
            values[String(param[..<equals])] = String(param[param.index(after: equals)...])
        }
        return values
    }

    /// The learner, once the dataset says which default applies.
    func learnerSpec(multiLabel: Bool) -> LearnerSpec {
        LearnerSpec(model: model ?? LearnerCatalog.defaultModel(multiLabel: multiLabel), params: (try? parameters()) ?? [:], seed: seed)
    }

    /// The dataset argument, required for local runs.
    func requireDataset() throws -> String {
        guard let dataset else { throw CommandFailure(.usage, "a DATASET file is required") }
        return dataset
    }
}
