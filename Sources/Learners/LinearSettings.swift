/// Hyperparameters shared by `logistic` and `softmax`, with scikit-learn's meaning.
struct LinearSettings: Sendable, Equatable {
    /// Inverse L2 strength: the objective is `0.5·||w||² + C·Σ log-loss`; the intercept is not penalised.
    var inverseRegularization: Double
    /// Accepted L-BFGS steps at most (per concept for `logistic`; the pilot fit, as many again).
    var maxIterations: Int
    /// Stop when the largest gradient component of the mean objective is at most this.
    var tolerance: Double
    /// Z-score features with the training rows' mean and standard deviation.
    var standardize: Bool
    var fitIntercept: Bool
    /// Start large fits from a pilot fit on one training row in 8 (`PilotFit`).
    var pilot: Bool

    static let parameters: [LearnerParameter] = [
        LearnerParameter(
            key: "C", domain: .real(lowerBound: 0, inclusive: false), defaultValue: "1.0",
            meaning: "inverse L2 regularisation strength as in scikit-learn; smaller means stronger regularisation"
        ),
        LearnerParameter(
            key: "max_iter", domain: .integer(1...1_000_000), defaultValue: "200",
            meaning: "maximum number of L-BFGS iterations (per concept for logistic; a pilot fit has as many of its own)"
        ),
        LearnerParameter(
            key: "tol", domain: .real(lowerBound: 0, inclusive: false), defaultValue: "0.0001",
            meaning: "stop when the largest gradient component of the mean loss is at most this (scikit-learn's tol)"
        ),
        LearnerParameter(
            key: "standardize", domain: .flag, defaultValue: "true",
            meaning: "z-score every feature with the training rows' mean and standard deviation"
        ),
        LearnerParameter(
            key: "fit_intercept", domain: .flag, defaultValue: "true",
            meaning: "learn an unpenalised intercept per concept"
        ),
        LearnerParameter(
            key: "pilot", domain: .flag, defaultValue: "true",
            meaning: "with 65,536 training rows or more, fit one row in 8 first and start from that model "
                + "(about half the passes over every row; the same model to within tol)"
        ),
    ]

    init(_ values: ParameterValues) {
        inverseRegularization = values.real("C")
        maxIterations = values.integer("max_iter")
        tolerance = values.real("tol")
        standardize = values.flag("standardize")
        fitIntercept = values.flag("fit_intercept")
        pilot = values.flag("pilot")
    }
}
