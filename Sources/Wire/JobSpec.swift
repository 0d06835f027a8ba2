/// What a client asks the cluster to evaluate. Travels in SUBMIT and is stored with the job.
public struct JobSpec: Sendable, Codable, Equatable {
    /// SHA-256 of the canonical form of the dataset to cross-validate (or train on, with a holdout).
    public var dataset: String
    /// The dataset's file name as the user gave it, for messages and reports.
    public var datasetName: String
    /// With a holdout: train on all of `dataset`, evaluate on this one (Clarifai's use_kfold=false).
    public var holdout: String?
    public var holdoutName: String?
    /// `random`, `stratified`, `group` or `multilabel`.
    public var split: String
    public var folds: Int
    public var repeats: Int
    public var seed: UInt64
    /// Learner name and `--param` values.
    public var model: String
    public var params: [String: String]
    /// Threshold for the thresholded metrics (precision, recall, F1, counts).
    public var threshold: Double
    /// Which inputs the result's `test_set` lists: absent for one split (Clarifai's), `all` for
    /// every input.
    public var testSet: String?
    /// A sweep's configurations (ModelConfiguration.swift), every one evaluated on the same fold plan;
    /// absent for a job of one model (`model` and `params`), as every job before sweeps was.
    public var configurations: [ModelConfiguration]?
    /// The fraction of tasks to compute a second time on another worker and compare bit for bit
    /// (`--verify`); nil for the coordinator's default (`coordinator --verify`). Set after `init`.
    public var verify: Double?

    /// The datasets the job uses: `dataset`, then `holdout` if any.
    public var datasetHashes: [String] { [dataset] + (holdout.map { [$0] } ?? []) }

    /// The tasks of a cross-validation: folds × repeats × a sweep's configurations (see
    /// `taskCount(folds:repeats:configurations:)`).
    public var taskCount: Int {
        Self.taskCount(folds: folds, repeats: repeats, configurations: configurations?.count ?? 1)
    }

    /// `folds × repeats × configurations`, or `Int.max` when the product passes what an Int holds
    /// (a count every limit refuses). For positive counts; a holdout has one task per configuration.
    public static func taskCount(folds: Int, repeats: Int, configurations: Int) -> Int {
        let (perConfiguration, overflow) = folds.multipliedReportingOverflow(by: repeats)
        let (tasks, overflowing) = perConfiguration.multipliedReportingOverflow(by: max(1, configurations))
        return overflow || overflowing ? .max : tasks
    }

    public init(
        dataset: String, datasetName: String, holdout: String? = nil, holdoutName: String? = nil,
        split: String, folds: Int, repeats: Int, seed: UInt64, model: String, params: [String: String],
        threshold: Double, testSet: String? = nil, configurations: [ModelConfiguration]? = nil
    ) {
        self.testSet = testSet
        self.configurations = configurations
        self.dataset = dataset
        self.datasetName = datasetName
        self.holdout = holdout
        self.holdoutName = holdoutName
        self.split = split
        self.folds = folds
        self.repeats = repeats
        self.seed = seed
        self.model = model
        self.params = params
        self.threshold = threshold
    }
}

/// A job's lifecycle state as clients see it.
public enum JobState: String, Sendable, Codable, Equatable {
    case queued, running, completed, failed, cancelled

    /// Whether the job will not change any more.
    public var isFinal: Bool { self == .completed || self == .failed || self == .cancelled }
}

/// A job's progress, as STATUS and JOBS report it.
public struct JobStatus: Sendable, Codable, Equatable {
    public var job: String
    public var state: JobState
    public var datasetName: String
    public var model: String
    public var tasksTotal: Int
    public var tasksDone: Int
    public var tasksRunning: Int
    /// Attempts lost (worker lost, lease expired, task failed) and handed out again.
    public var attemptsLost: Int
    public var workers: Int
    public var workersBusy: Int
    public var elapsedSeconds: Double
    /// Estimated seconds to completion from the mean task time, when one can be given.
    public var etaSeconds: Double?
    /// Why a job failed or was cancelled.
    public var message: String?
    /// A sweep's number of configurations; absent for a job of one model.
    public var configurations: Int?
    /// Verification by recomputation, for a job that asked for it. Set after `init`.
    public var verification: VerificationSummary?

    public init(
        job: String, state: JobState, datasetName: String, model: String, tasksTotal: Int, tasksDone: Int,
        tasksRunning: Int, attemptsLost: Int, workers: Int, workersBusy: Int, elapsedSeconds: Double,
        etaSeconds: Double? = nil, message: String? = nil, configurations: Int? = nil
    ) {
        self.configurations = configurations
        self.job = job
        self.state = state
        self.datasetName = datasetName
        self.model = model
        self.tasksTotal = tasksTotal
        self.tasksDone = tasksDone
        self.tasksRunning = tasksRunning
        self.attemptsLost = attemptsLost
        self.workers = workers
        self.workersBusy = workersBusy
        self.elapsedSeconds = elapsedSeconds
        self.etaSeconds = etaSeconds
        self.message = message
    }
}
