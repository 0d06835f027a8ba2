import Evaluation

/// Where an evaluation stands, from its `status.code`.
enum EvaluationProgress: Equatable {
    /// 21300: finished; fetch the heavy parts.
    case evaluated
    /// 21301 evaluating, 21303 queued: keep waiting.
    case pending
    /// 21302: nothing runs for this model version; waiting would only reach the timeout.
    case notEvaluated
    /// 21310-21317, any other code: stop and report Clarifai's description.
    case failed

    init(code: Int) {
        switch code {
        case EvalStatus.evaluated: self = .evaluated
        case EvalStatus.evaluating, EvalStatus.queued: self = .pending
        case EvalStatus.notEvaluated: self = .notEvaluated
        default: self = .failed
        }
    }
}
