import Datasets

/// Why `FoldPlanner.plan` failed: the request (`usage`, exit code 64) or the dataset (`dataset`,
/// exit code 65, with the file and the rule).
public enum FoldPlanError: Error, Sendable, Equatable, CustomStringConvertible {
    case usage(FoldUsageError)
    case dataset(DatasetError)

    public var description: String {
        switch self {
        case .usage(let error): error.description
        case .dataset(let error): error.description
        }
    }
}
