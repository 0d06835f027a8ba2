import Datasets

/// What was run, as the caller describes it: recorded in `extended_metrics.user_metrics` so a
/// result file says how to reproduce it. The metrics themselves never read it.
public struct RunDescription: Sendable, Equatable {
    /// A dataset file and the SHA-256 of its canonical form.
    public struct DatasetFile: Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var rows: Int

        public init(path: String, sha256: String, rows: Int) {
            self.path = path
            self.sha256 = sha256
            self.rows = rows
        }
    }

    /// Where and how long one (repeat, fold) task ran.
    public struct TaskRecord: Sendable, Equatable {
        public var repeatIndex: Int
        public var fold: Int
        /// The worker that produced the accepted result (its authenticated id), when known.
        public var worker: String?
        /// Training plus prediction time of the accepted attempt, when measured.
        public var duration: Duration?

        public init(repeatIndex: Int, fold: Int, worker: String? = nil, duration: Duration? = nil) {
            self.repeatIndex = repeatIndex
            self.fold = fold
            self.worker = worker
            self.duration = duration
        }
    }

    /// Learner name as given on the command line (`logistic`, `knn`, ...).
    public var model: String
    /// Hyperparameters as given (`--param KEY=VALUE`), values as text.
    public var modelParameters: [String: String]
    /// The fold plan's seed.
    public var seed: UInt64
    /// The split strategy (`stratified`, `random`, `group`, `multilabel`; `holdout` for holdout runs).
    public var split: String
    public var folds: Int
    public var repeats: Int
    public var threshold: Double
    /// The training dataset (the cross-validated one in K-fold mode).
    public var dataset: DatasetFile
    /// The holdout dataset, in holdout mode.
    public var holdout: DatasetFile?
    /// Wall-clock time of the whole evaluation, when measured.
    public var wallTime: Duration?
    /// One record per task that has a worker or a duration to report.
    public var tasks: [TaskRecord]
    /// The crossfold version that produced the result, when known.
    public var toolVersion: String?
    /// Verification by recomputation, for a cluster job that asked for it (`--verify`).
    public var verification: Verification?

    public init(
        model: String,
        modelParameters: [String: String] = [:],
        seed: UInt64,
        split: String,
        folds: Int,
        repeats: Int,
        threshold: Double,
        dataset: DatasetFile,
        holdout: DatasetFile? = nil,
        wallTime: Duration? = nil,
        tasks: [TaskRecord] = [],
        toolVersion: String? = nil
    ) {
        self.model = model
        self.modelParameters = modelParameters
        self.seed = seed
        self.split = split
        self.folds = folds
        self.repeats = repeats
        self.threshold = threshold
        self.dataset = dataset
        self.holdout = holdout
        self.wallTime = wallTime
        self.tasks = tasks
        self.toolVersion = toolVersion
    }

    /// Every task's record by its (repeat, fold), the first where one is listed twice. Built once
    /// and looked up per fold: a scan of `tasks` per fold made a report of N tasks cost N²/2 steps,
    /// 5·10⁹ for 100,000 tasks and hours for a million.
    public func tasksByFold() -> [TaskPosition: TaskRecord] {
        var index: [TaskPosition: TaskRecord] = [:]
        index.reserveCapacity(tasks.count)
        for record in tasks {
            let position = TaskPosition(repeatIndex: record.repeatIndex, fold: record.fold)
            if index[position] == nil { index[position] = record }
        }
        return index
    }

    /// A task's place in the plan.
    public struct TaskPosition: Hashable, Sendable {
        public var repeatIndex: Int
        public var fold: Int

        public init(repeatIndex: Int, fold: Int) {
            self.repeatIndex = repeatIndex
            self.fold = fold
        }
    }
}

extension Duration {
    /// The duration in seconds, as JSON carries it.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

extension RunDescription {
    /// Clarifai's model type for a classifier trained on embeddings, which is what every crossfold
    /// learner is; written as the evaluation's `model.model_type_id`.
    public static let modelTypeID = "embedding-classifier"

    /// A stable evaluation id in Clarifai's form (32 lowercase hex digits): the first half of the
    /// SHA-256 of what was evaluated (datasets' hashes, model, parameters, split, folds, repeats,
    /// seed, threshold), so the same evaluation run twice, locally or on any cluster, has the same
    /// id and a different one never does.
    public var evaluationID: String {
        let fields = [
            "crossfold-evaluation-1", dataset.sha256, holdout?.sha256 ?? "-", model,
            modelParameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}"),
            split, String(folds), String(repeats), String(seed), String(threshold),
        ]
        return String(SHA256Hasher.hash(Array(fields.joined(separator: "\u{1E}").utf8)).prefix(32))
    }
}

extension RunDescription.DatasetFile {
    /// The dataset's name for Clarifai's `dataset_id`: the file name without its directory and
    /// extension (`examples/digits.csv` → `digits`), or the hash's first 12 digits when that is empty.
    public var datasetID: String {
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        let stem = name.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
        let id = stem.isEmpty ? name : stem
        return id.isEmpty ? String(sha256.prefix(12)) : id
    }
}
