import Datasets
import Folds
import Learners
import Wire

/// A job the coordinator is running or has finished in this process: what it needs to hand out
/// tasks and to put the results together.
struct ActiveJob: Sendable {
    let id: String
    let spec: JobSpec
    let dataset: Dataset
    /// The holdout dataset, concepts aligned with `dataset`, when the job trains on all of `dataset`.
    let holdout: Dataset?
    /// The fold plan of a cross-validation job; nil for a holdout job.
    let plan: FoldPlan?
    let startedAt: Duration
    var state: JobState = .running
    /// Why the job failed or was cancelled, as given to the store.
    var message: String?
    var taskSeconds: [Double] = []
    /// What verification did, once the job's checks are settled.
    var verification: VerificationSummary?
    /// Shared by the copies of this value (the metrics thread's included).
    let repeatRows = RepeatRowsCache()

    /// Task `t` is configuration `t / tasksPerConfiguration` (a sweep's; a plain job has one), and
    /// within it fold `t % folds` of repeat `t / folds`; a holdout job has one task.
    var labels: [TaskLabel] { (0..<taskCount).map(label(of:)) }

    /// Tasks of one configuration: repeats × folds, or one with a holdout.
    var tasksPerConfiguration: Int { plan.map { $0.repeats * $0.folds } ?? 1 }

    var taskCount: Int { tasksPerConfiguration * spec.configurationList.count }

    /// The configuration task `t` evaluates (its index in `spec.configurationList`).
    func configurationIndex(of task: Int) -> Int { task / tasksPerConfiguration }

    func configuration(of task: Int) -> ModelConfiguration { spec.configurationList[configurationIndex(of: task)] }

    func label(of task: Int) -> TaskLabel {
        guard let plan else { return TaskLabel(repeatIndex: 0, fold: 0) }
        let within = task % tasksPerConfiguration
        return TaskLabel(repeatIndex: within / plan.folds, fold: within % plan.folds)
    }

    /// The rows a task predicts: its fold's held-out rows, or every holdout row.
    func testRows(of task: Int) -> [Int] {
        guard plan != nil else { return Array(0..<(holdout?.rowCount ?? 0)) }
        return foldTestRows(of: task).map { Int($0) }
    }

    /// How many rows a task predicts.
    func testRowCount(of task: Int) -> Int {
        guard plan != nil else { return holdout?.rowCount ?? 0 }
        return foldTestRows(of: task).count
    }

    /// A cross-validation task's held-out rows, increasing, as TASK carries them.
    func foldTestRows(of task: Int) -> ArraySlice<Int32> {
        guard let plan else { return [] }
        let label = label(of: task)
        return repeatRows.rows(of: plan, repeat: label.repeatIndex).testRows(fold: label.fold)
    }

    /// The fold of every row in repeat `r`, one byte each, for a learner that shares work across the
    /// folds of a repeat (`LearnerCatalog.sharesWorkAcrossFolds`); nil for other learners, holdout
    /// jobs and plans of more than `FoldPartitions.maximumFolds` folds.
    func partitions(repeat r: Int, model: String) -> [UInt8]? {
        guard let plan, LearnerCatalog.sharesWorkAcrossFolds(model) else { return nil }
        return repeatRows.rows(of: plan, repeat: r).rowFolds
    }

    var datasets: Set<String> { Set(spec.datasetHashes) }
}

/// A finished job's metrics the store could not keep yet.
struct UnsavedMetrics {
    static let retryInterval: Duration = .seconds(5)
    static let attempts = 12

    let metrics: ComputedMetrics
    var retryAt: Duration
    var attemptsLeft = UnsavedMetrics.attempts
    /// A retry's write is under way.
    var writing = false
}
