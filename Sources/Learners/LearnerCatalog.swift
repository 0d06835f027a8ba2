import Datasets

/// A built-in learner: its name, what it does, and the parameters `--param KEY=VALUE` sets.
public struct LearnerDescription: Sendable, Equatable {
    public let name: String
    /// One or two sentences for help text.
    public let summary: String
    public let parameters: [LearnerParameter]
    /// Whether it learns only rows with exactly one concept (softmax); `LearnerCatalog.check` refuses
    /// other data before any fold runs.
    public var needsExclusiveConcepts = false
}

/// The built-in learners by name, and the one place a `LearnerSpec` becomes a `Learner`.
public enum LearnerCatalog {
    /// The learner used when none is named: the multinomial model for exclusive concepts (one per
    /// row, as scikit-learn's `LogisticRegression` fits by default), one-vs-rest for multi-label
    /// data.
    public static func defaultModel(for dataset: Dataset) -> String {
        defaultModel(multiLabel: dataset.isMultiLabel)
    }

    public static func defaultModel(multiLabel: Bool) -> String {
        multiLabel ? "logistic" : "softmax"
    }

    /// The learner that runs the user's own program on the workers (`CommandSettings`).
    public static let commandModel = "command"

    /// Every model `--model` takes: the built-in learners, then `command`.
    public static var catalogue: [LearnerDescription] { learners + [command] }

    /// `--model command`: no in-process learner, but a program a worker runs per fold.
    public static let command = LearnerDescription(
        name: commandModel,
        summary: "Your own program (scikit-learn, XGBoost, PyTorch, any language), run by each worker once per fold: "
            + "it reads the fold's training rows and labels and its test rows from files and writes a score matrix "
            + "(docs/COMMAND-LEARNER.md). Workers run it only when started with --allow-command-tasks; evaluate's own "
            + "workers always do.",
        parameters: CommandSettings.parameters
    )

    /// Every built-in (in-process) learner, the default first.
    public static let learners: [LearnerDescription] = [
        LearnerDescription(
            name: "logistic",
            summary: "One-vs-rest L2 logistic regression, one binary model per concept (L-BFGS, scikit-learn's "
                + "objective). The default for multi-label data; suits exclusive concepts too.",
            parameters: LinearSettings.parameters
        ),
        LearnerDescription(
            name: "softmax",
            summary: "Multinomial L2 logistic regression (scikit-learn's LogisticRegression default). The default "
                + "for exclusive concepts (one per row); rejects multi-label rows.",
            parameters: LinearSettings.parameters,
            needsExclusiveConcepts: true
        ),
        LearnerDescription(
            name: "knn",
            summary: "k nearest neighbours by cosine similarity; a concept's score is the weighted fraction of "
                + "neighbours positive for it.",
            parameters: NearestNeighboursLearner.parameters
        ),
        LearnerDescription(
            name: "centroid",
            summary: "Cosine nearest centroid (mean of unit-length positives). Exclusive: softmax of "
                + "similarity/temperature; multi-label: sigmoid((similarity - midpoint)/temperature) per concept, "
                + "midpoint halfway between the mean positive and mean negative training similarity.",
            parameters: CentroidLearner.parameters
        ),
        LearnerDescription(
            name: "naive-bayes",
            summary: "Gaussian naive Bayes as scikit-learn's GaussianNB (training-frequency priors). Exclusive: "
                + "one class per concept; multi-label: one binary model per concept.",
            parameters: NaiveBayesLearner.parameters
        ),
    ]

    /// Checks that `spec` names a learner and that its parameters are valid, without building it:
    /// what a client and a coordinator check before a job runs, `command` included.
    /// - Throws: `unknownModel` or `badParameter`, as `make` does.
    public static func validate(_ spec: LearnerSpec) throws(LearnerError) {
        if spec.model == commandModel {
            _ = try CommandSettings(spec)
        } else {
            _ = try make(spec)
        }
    }

    /// The learner `spec` names, with its parameters validated. No built-in learner draws random
    /// numbers, so `spec.seed` does not change their results.
    ///
    /// Throws `unknownModel` (listing the valid names) for a name not in `learners`, and `badParameter`
    /// for an unknown key (listing the valid keys with ranges and defaults) or a value outside its range.
    /// `command` is no in-process learner: a worker runs its program (`validate` checks its
    /// parameters), so `make` throws `invalidTask` for it.
    public static func make(_ spec: LearnerSpec) throws(LearnerError) -> any Learner {
        guard let description = learners.first(where: { $0.name == spec.model }) else {
            if spec.model == commandModel {
                throw LearnerError(
                    .invalidTask,
                    "--model command runs a program on a cluster worker (crossfold evaluate's embedded workers included), "
                        + "not inside a fold task")
            }
            throw LearnerError(
                .unknownModel,
                "unknown model '\(spec.model)'; valid models: " + catalogue.map(\.name).joined(separator: ", ")
            )
        }
        let values = try ParameterValues(model: spec.model, parameters: description.parameters, given: spec.params)
        switch spec.model {
        case "logistic":
            return LogisticLearner(settings: LinearSettings(values))
        case "softmax":
            return SoftmaxLearner(settings: LinearSettings(values))
        case "knn":
            return NearestNeighboursLearner(
                neighbours: values.integer("k"),
                weighting: NearestNeighboursLearner.Weighting(rawValue: values.choice("weights")) ?? .uniform
            )
        case "centroid":
            return CentroidLearner(temperature: values.real("temperature"))
        case "naive-bayes":
            return NaiveBayesLearner(varianceSmoothing: values.real("var_smoothing"))
        default:
            preconditionFailure("every catalogued learner is built here")
        }
    }

    /// Whether `model` shares work between the folds of a repeat when a task carries the fold of
    /// every row (`FoldPartitions`): per-fold sums of one pass for an `AdditiveLearner`, pairs of rows
    /// compared once for `knn` (`NeighbourPairs`).
    public static func sharesWorkAcrossFolds(_ model: String) -> Bool {
        additiveModels.contains(model) || model == "knn"
    }

    /// The learners that conform to `AdditiveLearner`, found once: the coordinator asks at every
    /// task it sends.
    private static let additiveModels: Set<String> = Set(learners.map(\.name).filter { name in
        (try? make(LearnerSpec(model: name))) is any AdditiveLearner
    })

    /// Refuses, before any fold runs, a learner that cannot learn `dataset` at all: one that needs
    /// exactly one concept per row (softmax) on a row with none or several. The client calls it
    /// before uploading and the coordinator before accepting a job, so such a job never reaches a
    /// worker. Rows are counted from 0, as in the other dataset messages.
    ///
    /// - Parameter source: the dataset's file name, for the message.
    /// - Throws: `unknownModel` for a name not in `learners`; `unsuitedDataset` naming the first such
    ///   row and what to use instead.
    public static func check(_ spec: LearnerSpec, canLearn dataset: Dataset, source: String) throws(LearnerError) {
        guard let description = learners.first(where: { $0.name == spec.model }) else {
            try validate(spec)
            return
        }
        guard description.needsExclusiveConcepts else { return }
        for row in 0..<dataset.rowCount {
            var count = 0
            for concept in 0..<dataset.conceptCount where dataset.isPositive(row: row, concept: concept) { count += 1 }
            guard count != 1 else { continue }
            throw LearnerError(
                .unsuitedDataset,
                "--model \(spec.model) needs exactly one concept per row, but row \(row) (id \"\(dataset.ids[row])\") of "
                    + "\(source) has \(count == 0 ? "no concept" : "\(count) concepts"). Use --model logistic, which "
                    + "scores every concept on its own and suits multi-label data")
        }
    }

    /// Plain-text reference of every learner and its parameters (names, accepted values, defaults,
    /// meaning), for `--help` and the README.
    public static var documentation: String {
        var lines: [String] = []
        for learner in catalogue {
            let role = learner.name == defaultModel(multiLabel: false) ? " (default for exclusive concepts)"
                : learner.name == defaultModel(multiLabel: true) ? " (default for multi-label data)" : ""
            lines.append("\(learner.name)\(role)")
            lines.append("  \(learner.summary)")
            for parameter in learner.parameters {
                let fallback = parameter.defaultValue.isEmpty ? "required" : "default \(parameter.defaultValue)"
                lines.append("  --param \(parameter.key)=VALUE  \(parameter.accepted); \(fallback)")
                lines.append("      \(parameter.meaning)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
