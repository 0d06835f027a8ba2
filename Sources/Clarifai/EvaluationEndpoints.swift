/// Which family of Clarifai RPCs starts and reads evaluations (`CLARIFAI_EVALUATION_ENDPOINTS`,
/// `--evaluation-endpoints`).
public enum EvaluationEndpoints: String, Sendable, Equatable, CaseIterable {
    /// PostEvaluations / GetEvaluation / ListEvaluations on `/v2/users/{user}/apps/{app}/evaluations`:
    /// the default, and what Clarifai's own SDK uses.
    case evaluations
    /// PostModelVersionEvaluations / GetModelVersionEvaluation / ListModelVersionEvaluations on
    /// `.../models/{model}/versions/{version}/evaluations`, the older family, used only when asked.
    case modelVersion = "model-version"

    /// The setting's value, or the error naming the values it takes.
    ///
    /// - Throws: `ClarifaiError.invalidSetting(.evaluationEndpoints, ...)`.
    static func parse(_ text: String?) throws(ClarifaiError) -> EvaluationEndpoints {
        guard let text else { return .evaluations }
        guard let endpoints = EvaluationEndpoints(rawValue: text.lowercased()) else {
            let known = allCases.map(\.rawValue).joined(separator: " or ")
            throw .invalidSetting(.evaluationEndpoints, value: text, reason: "expected \(known)")
        }
        return endpoints
    }
}
