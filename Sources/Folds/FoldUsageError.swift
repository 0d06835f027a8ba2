/// A fold request that cannot be planned because of how it was asked, not because of the data:
/// the command line maps it to exit code 64 (EX_USAGE).
///
/// `description` reads `MESSAGE. FIX`, the fix naming the option to change.
public struct FoldUsageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was asked wrongly. Raw values are stable.
    public enum Problem: String, Sendable, Equatable, CaseIterable {
        /// `--folds` below 2.
        case tooFewFolds = "too-few-folds"
        /// `--repeats` below 1.
        case tooFewRepeats = "too-few-repeats"
        /// `--split stratified` on data where a row has several concepts or none.
        case stratifiedNeedsExclusiveConcepts = "stratified-needs-exclusive-concepts"
        /// `--split group` on a dataset without a group column.
        case missingGroups = "missing-group-column"
    }

    public let problem: Problem
    /// What is wrong, in one sentence.
    public let message: String
    /// What to do next.
    public let fix: String

    public init(_ problem: Problem, _ message: String, fix: String) {
        self.problem = problem
        self.message = message
        self.fix = fix
    }

    public var description: String { "\(message). \(fix)" }
}
