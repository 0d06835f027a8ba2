import ArgumentParser
import Folds
import Foundation
import Learners

/// What to evaluate and how: shared by `evaluate` and `submit`.
struct EvaluationOptions: ParsableArguments {
    @Argument(help: "The labelled dataset: .csv, .jsonl, .npy (with --labels) or .cfds.")
    var dataset: String?

    @Option(help: "Labels file of an .npy dataset (default: <stem>.labels.txt beside it).")
    var labels: String?

    @Option(help: "Number of folds K: hold out 1/K, train on the rest, K times.")
    var folds: Int = 5

    @Option(help: "Repeat the K-fold split this many times with different shuffles.")
    var repeats: Int = 1

    @Option(help: "How rows are dealt into folds: stratified, random, group or multilabel (default: stratified for exclusive concepts, multilabel for multi-label data).")
    var split: String?

    @Option(help: "Learner: \(LearnerCatalog.learners.map(\.name).joined(separator: ", ")).")
    var model: String = "logistic"

    @Option(name: .customLong("param"), help: "A learner hyperparameter KEY=VALUE (repeatable); see `crossfold models`.")
    var params: [String] = []

    @Option(help: "Seed of the fold plan and of the learners.")
    var seed: UInt64 = 42

    @Option(help: "Threshold for TP/FP/FN, precision, recall and F1.")
    var threshold: Double = 0.5

    @Option(help: "Train on all of DATASET and evaluate on this dataset instead of K folds (Clarifai's use_kfold=false).")
    var holdout: String?

    @Option(help: "Labels file of an .npy holdout.")
    var holdoutLabels: String?

    func validate() throws {
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
        if let split, SplitStrategy(rawValue: split) == nil {
            let known = SplitStrategy.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--split \(split) is not one of \(known)")
        }
        _ = try parameters()
        do {
            _ = try LearnerCatalog.make(learnerSpec)
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

    var learnerSpec: LearnerSpec {
        LearnerSpec(model: model, params: (try? parameters()) ?? [:], seed: seed)
    }

    /// The dataset argument, required for local runs.
    func requireDataset() throws -> String {
        guard let dataset else { throw CommandFailure(.usage, "a DATASET file is required") }
        return dataset
    }
}
