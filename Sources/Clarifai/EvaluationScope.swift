/// Which family of read RPCs to use.
public enum EvaluationScope: Sendable, Equatable {
    /// GetModelVersionEvaluation / ListModelVersionEvaluations: the configured model version's.
    case modelVersion
    /// GetEvaluation / ListEvaluations: any evaluation of the configured app.
    case app

    /// `.modelVersion` when the configuration names a model and version, `.app` otherwise.
    public static func `default`(for configuration: ClarifaiConfiguration) -> EvaluationScope {
        configuration.modelID != nil && configuration.modelVersionID != nil ? .modelVersion : .app
    }

    /// Where the evaluation a Post created is read back.
    init(_ method: RemoteEvaluationRequest.Method) {
        switch method {
        case .modelVersion: self = .modelVersion
        case .groundTruthDataset: self = .app
        }
    }
}
