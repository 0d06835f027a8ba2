/// Why a set of fold predictions cannot be evaluated. Each case names the task (repeat, fold)
/// and the input row where it applies; `description` also says what to do.
public enum EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Folds or repeats below 1.
    case invalidPlan(folds: Int, repeats: Int)
    /// A threshold outside [0, 1] or not finite.
    case invalidThreshold(Double)
    /// A dataset without rows or without concepts.
    case emptyDataset(rows: Int, concepts: Int)
    /// A task whose repeat or fold index lies outside the plan.
    case taskOutOfRange(repeatIndex: Int, fold: Int, folds: Int, repeats: Int)
    /// Two results for the same task.
    case duplicateTask(repeatIndex: Int, fold: Int)
    /// No result for a task of the plan.
    case missingTask(repeatIndex: Int, fold: Int)
    /// A task scored a different number of concepts than the dataset has.
    case conceptCountMismatch(repeatIndex: Int, fold: Int, expected: Int, found: Int)
    /// A held-out row index outside the dataset.
    case rowOutOfRange(repeatIndex: Int, fold: Int, row: Int, rowCount: Int)
    /// A row held out twice in one repeat (by two folds, or twice by one).
    case rowTestedTwice(repeatIndex: Int, row: Int, firstFold: Int, secondFold: Int)
    /// A row no fold of a repeat held out.
    case rowNotTested(repeatIndex: Int, row: Int)
    /// A score that is not a probability (NaN, infinite, or outside [0, 1]).
    case invalidScore(repeatIndex: Int, fold: Int, row: Int, concept: Int, value: Float)

    public var description: String {
        switch self {
        case .invalidPlan(let folds, let repeats):
            "cannot evaluate \(folds) fold(s) × \(repeats) repeat(s): both must be at least 1"
        case .invalidThreshold(let value):
            "threshold \(value) is not a probability: choose a value between 0 and 1"
        case .emptyDataset(let rows, let concepts):
            "cannot evaluate a dataset with \(rows) row(s) and \(concepts) concept(s): it needs at least one of each"
        case .taskOutOfRange(let r, let k, let folds, let repeats):
            "predictions for repeat \(r), fold \(k) lie outside the plan of \(folds) fold(s) × \(repeats) repeat(s): "
                + "pass the fold and repeat counts the tasks were planned with"
        case .duplicateTask(let r, let k):
            "two results for repeat \(r), fold \(k): pass exactly one result per task"
        case .missingTask(let r, let k):
            "no predictions for repeat \(r), fold \(k): every (repeat, fold) task must finish before evaluation"
        case .conceptCountMismatch(let r, let k, let expected, let found):
            "repeat \(r), fold \(k) scored \(found) concept(s) but the dataset has \(expected): "
                + "the learner must return one probability per dataset concept"
        case .rowOutOfRange(let r, let k, let row, let rowCount):
            "repeat \(r), fold \(k) holds out row \(row) but the dataset has \(rowCount) row(s): "
                + "the predictions belong to a different dataset"
        case .rowTestedTwice(let r, let row, let first, let second):
            "row \(row) is held out twice in repeat \(r) (folds \(first) and \(second)): "
                + "the folds of a repeat must partition the rows"
        case .rowNotTested(let r, let row):
            "row \(row) is held out by no fold of repeat \(r): the folds of a repeat must partition the rows"
        case .invalidScore(let r, let k, let row, let concept, let value):
            "repeat \(r), fold \(k), row \(row), concept \(concept): score \(value) is not a probability in [0, 1]; "
                + "the learner must return probabilities"
        }
    }
}
