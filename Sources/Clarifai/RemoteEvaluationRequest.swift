/// What to evaluate on Clarifai, beyond the model and dataset named by the configuration.
public struct RemoteEvaluationRequest: Sendable, Equatable {
    /// Which Post RPC starts the evaluation.
    public enum Method: Sendable, Equatable {
        /// PostModelVersionEvaluations: K-split (or holdout on `dataset_id`) for the configured
        /// model version, in its own app.
        case modelVersion
        /// PostEvaluations: the configured model version against a ground-truth dataset, which may
        /// live in another app (`datasetAppID`, `datasetUserID`, `datasetVersionID`).
        case groundTruthDataset
    }

    public var method: Method
    /// The evaluation id to create (`--eval-id`); Clarifai generates one when nil.
    public var evaluationID: String?
    /// `eval_info.params.use_kfold`; nil leaves Clarifai's default (true). Embedding classifiers
    /// need `false`.
    public var useKfold: Bool?

    public init(method: Method = .modelVersion, evaluationID: String? = nil, useKfold: Bool? = nil) {
        self.method = method
        self.evaluationID = evaluationID
        self.useKfold = useKfold
    }

    /// PostEvaluations when the configuration names the dataset in another app, user or version,
    /// PostModelVersionEvaluations otherwise.
    public static func defaultMethod(for configuration: ClarifaiConfiguration) -> Method {
        configuration.namesDatasetElsewhere ? .groundTruthDataset : .modelVersion
    }
}
