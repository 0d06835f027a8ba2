/// What to evaluate on Clarifai, beyond the model and dataset named by the configuration.
public struct RemoteEvaluationRequest: Sendable, Equatable {
    /// Which Post RPC starts the evaluation.
    public enum Method: Sendable, Equatable {
        /// PostEvaluations: the configured model version, against the ground-truth dataset when
        /// one is configured (it may live in another app: `datasetAppID`, `datasetUserID`,
        /// `datasetVersionID`). The default.
        case evaluations
        /// PostModelVersionEvaluations: K-split (or holdout on `dataset_id`) for the configured
        /// model version, in its own app. Only with `evaluationEndpoints = .modelVersion`.
        case modelVersion
    }

    public var method: Method
    /// The evaluation id to create (`--eval-id`). When nil, ``RemoteEvaluation`` makes one up, so
    /// that a Post whose reply was lost can be looked up by id instead of posted again.
    public var evaluationID: String?
    /// `eval_info.params.use_kfold`; nil leaves Clarifai's default (true). Embedding classifiers
    /// need `false`.
    public var useKfold: Bool?

    public init(method: Method = .evaluations, evaluationID: String? = nil, useKfold: Bool? = nil) {
        self.method = method
        self.evaluationID = evaluationID
        self.useKfold = useKfold
    }

    /// The method `configuration.evaluationEndpoints` asks for.
    ///
    /// - Throws: `ClarifaiError.invalidSetting(.evaluationEndpoints, ...)` when the model-version
    ///   RPCs are asked for but the dataset lives in another app, user or version, which only
    ///   PostEvaluations can name.
    public static func method(for configuration: ClarifaiConfiguration) throws(ClarifaiError) -> Method {
        switch configuration.evaluationEndpoints {
        case .evaluations:
            return .evaluations
        case .modelVersion:
            guard !configuration.namesDatasetElsewhere else {
                throw .invalidSetting(
                    .evaluationEndpoints, value: EvaluationEndpoints.modelVersion.rawValue,
                    reason: "PostModelVersionEvaluations cannot name a dataset in another app, user or version "
                        + "(CLARIFAI_DATASET_APP_ID, CLARIFAI_DATASET_USER_ID, CLARIFAI_DATASET_VERSION_ID); "
                        + "use evaluations, or drop those settings")
            }
            return .modelVersion
        }
    }
}
