import Foundation

/// Where and as whom crossfold talks to Clarifai, and which model and dataset it evaluates.
///
/// Build one with ``resolve(environment:overrides:logger:)`` (environment, config file, flags) or
/// with the memberwise initialiser. Printing a configuration never shows the PAT.
public struct ClarifaiConfiguration: Sendable, Equatable {
    /// The default REST base.
    public static let defaultAPIBase = URL(string: "https://api.clarifai.com")!

    public var pat: PersonalAccessToken
    /// The app owner's user id (`me` stands for the key's owner).
    public var userID: String
    public var appID: String
    /// Needed by the model-version RPCs and PostEvaluations; checked when a call needs it.
    public var modelID: String?
    public var modelVersionID: String?
    /// The dataset to evaluate on (`eval_info.params.dataset_id`, or the ground-truth dataset).
    public var datasetID: String?
    /// Where the ground-truth dataset lives when it is not in the model's app (PostEvaluations).
    public var datasetAppID: String?
    public var datasetUserID: String?
    public var datasetVersionID: String?
    /// The REST base, without a trailing slash.
    public var apiBase: URL
    /// The RPCs that start and read evaluations: PostEvaluations/GetEvaluation unless the user
    /// asks for the model-version ones.
    public var evaluationEndpoints: EvaluationEndpoints

    public init(
        pat: PersonalAccessToken, userID: String, appID: String, modelID: String? = nil,
        modelVersionID: String? = nil, datasetID: String? = nil, datasetAppID: String? = nil,
        datasetUserID: String? = nil, datasetVersionID: String? = nil, apiBase: URL = defaultAPIBase,
        evaluationEndpoints: EvaluationEndpoints = .evaluations
    ) {
        self.pat = pat
        self.userID = userID
        self.appID = appID
        self.modelID = modelID
        self.modelVersionID = modelVersionID
        self.datasetID = datasetID
        self.datasetAppID = datasetAppID
        self.datasetUserID = datasetUserID
        self.datasetVersionID = datasetVersionID
        self.apiBase = apiBase
        self.evaluationEndpoints = evaluationEndpoints
    }

    /// Whether the dataset is named in another app, user or version, which only PostEvaluations
    /// (a `ground_truth_dataset` reference) can express.
    public var namesDatasetElsewhere: Bool {
        datasetAppID != nil || datasetUserID != nil || datasetVersionID != nil
    }

    /// `value` of an optional setting, or the error naming what to set.
    func required(_ value: String?, _ setting: ClarifaiSetting) throws(ClarifaiError) -> String {
        guard let value else { throw .missingSetting(setting) }
        return value
    }
}
