/// A built-in learner: its name, what it does, and the parameters `--param KEY=VALUE` sets.
public struct LearnerDescription: Sendable, Equatable {
    public let name: String
    /// One or two sentences for help text.
    public let summary: String
    public let parameters: [LearnerParameter]
}

/// The built-in learners by name, and the one place a `LearnerSpec` becomes a `Learner`.
public enum LearnerCatalog {
    /// The learner used when none is named.
    public static let defaultModel = "logistic"

    /// Every built-in learner, the default first.
    public static let learners: [LearnerDescription] = [
        LearnerDescription(
            name: "logistic",
            summary: "One-vs-rest L2 logistic regression, one binary model per concept (L-BFGS, scikit-learn's "
                + "objective). Right for multi-label and exclusive concepts; the default.",
            parameters: LinearSettings.parameters
        ),
        LearnerDescription(
            name: "softmax",
            summary: "Multinomial L2 logistic regression for exclusive concepts (one per row); rejects "
                + "multi-label rows.",
            parameters: LinearSettings.parameters
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

    /// The learner `spec` names, with its parameters validated. No built-in learner draws random
    /// numbers, so `spec.seed` does not change their results.
    ///
    /// Throws `unknownModel` (listing the valid names) for a name not in `learners`, and `badParameter`
    /// for an unknown key (listing the valid keys with ranges and defaults) or a value outside its range.
    public static func make(_ spec: LearnerSpec) throws(LearnerError) -> any Learner {
        guard let description = learners.first(where: { $0.name == spec.model }) else {
            throw LearnerError(
                .unknownModel,
                "unknown model '\(spec.model)'; valid models: " + learners.map(\.name).joined(separator: ", ")
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

    /// Plain-text reference of every learner and its parameters (names, accepted values, defaults,
    /// meaning), for `--help` and the README.
    public static var documentation: String {
        var lines: [String] = []
        for learner in learners {
            lines.append("\(learner.name)\(learner.name == defaultModel ? " (default)" : "")")
            lines.append("  \(learner.summary)")
            for parameter in learner.parameters {
                lines.append("  --param \(parameter.key)=VALUE  \(parameter.accepted); default \(parameter.defaultValue)")
                lines.append("      \(parameter.meaning)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
