/// Which family of read RPCs to use.
public enum EvaluationScope: Sendable, Equatable {
    /// GetModelVersionEvaluation / ListModelVersionEvaluations: the configured model version's.
    case modelVersion
    /// GetEvaluation / ListEvaluations: any evaluation of the configured app.
    case app

    /// `.app` (GetEvaluation, ListEvaluations) unless the configuration asks for the model-version
    /// endpoints.
    public static func `default`(for configuration: ClarifaiConfiguration) -> EvaluationScope {
        configuration.evaluationEndpoints == .modelVersion ? .modelVersion : .app
    }

    /// Where the evaluation a Post created is read back.
    init(_ method: RemoteEvaluationRequest.Method) {
        switch method {
        case .modelVersion: self = .modelVersion
        case .evaluations: self = .app
        }
    }
}
