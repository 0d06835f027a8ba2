/// One configurable Clarifai setting, with the environment variable, config-file key and flag
/// that set it. Error messages name both, so a user knows exactly what to set.
public enum ClarifaiSetting: String, Sendable, Hashable, CaseIterable {
    case pat
    case userID
    case appID
    case modelID
    case modelVersionID
    case datasetID
    case datasetAppID
    case datasetUserID
    case datasetVersionID
    case apiBase
    case evaluationEndpoints

    /// The environment variable (and config-file key) for this setting.
    public var environmentVariable: String {
        switch self {
        case .pat: "CLARIFAI_PAT"
        case .userID: "CLARIFAI_USER_ID"
        case .appID: "CLARIFAI_APP_ID"
        case .modelID: "CLARIFAI_MODEL_ID"
        case .modelVersionID: "CLARIFAI_MODEL_VERSION_ID"
        case .datasetID: "CLARIFAI_DATASET_ID"
        case .datasetAppID: "CLARIFAI_DATASET_APP_ID"
        case .datasetUserID: "CLARIFAI_DATASET_USER_ID"
        case .datasetVersionID: "CLARIFAI_DATASET_VERSION_ID"
        case .apiBase: "CLARIFAI_API_BASE"
        case .evaluationEndpoints: "CLARIFAI_EVALUATION_ENDPOINTS"
        }
    }

    /// The command-line flag for this setting. The PAT has no value flag on purpose (flags show in
    /// `ps`); `--pat-file` names a file holding it.
    public var flag: String {
        switch self {
        case .pat: "--pat-file"
        case .userID: "--user-id"
        case .appID: "--app-id"
        case .modelID: "--model-id"
        case .modelVersionID: "--model-version-id"
        case .datasetID: "--dataset-id"
        case .datasetAppID: "--dataset-app-id"
        case .datasetUserID: "--dataset-user-id"
        case .datasetVersionID: "--dataset-version-id"
        case .apiBase: "--api-base"
        case .evaluationEndpoints: "--evaluation-endpoints"
        }
    }

    /// "CLARIFAI_MODEL_ID or --model-id": how to set it, for messages.
    public var howToSet: String {
        switch self {
        case .pat: "set CLARIFAI_PAT in the environment or pass --pat-file FILE"
        default: "set \(environmentVariable) (environment or config file) or pass \(flag)"
        }
    }

    /// The setting a config-file key or environment variable names, if any.
    public init?(environmentVariable name: String) {
        guard let setting = Self.allCases.first(where: { $0.environmentVariable == name }) else { return nil }
        self = setting
    }
}
