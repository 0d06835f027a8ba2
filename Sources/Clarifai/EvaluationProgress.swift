import Evaluation

/// Where an evaluation stands, from its `status.code`.
enum EvaluationProgress: Equatable {
    /// 21300: finished; fetch the heavy parts.
    case evaluated
    /// 21301 evaluating, 21302 not evaluated yet, 21303 queued: keep waiting.
    case pending
    /// 21310-21317, any other code: stop and report Clarifai's description.
    case failed

    init(code: Int) {
        switch code {
        case EvalStatus.evaluated: self = .evaluated
        case EvalStatus.evaluating, EvalStatus.notEvaluated, EvalStatus.queued: self = .pending
        default: self = .failed
        }
    }
}
