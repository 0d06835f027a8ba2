import Datasets

/// Rows of a dataset seen without copying it: a training or test view of one fold, and how many
/// threads a pass over them may use.
public struct RowView: Sendable {
    public let dataset: Dataset
    /// Row indices into `dataset`, in increasing order.
    public let rows: [Int]
    /// The most threads a pass over the rows splits its blocks over (at least 1). Results never
    /// depend on it: blocks are fixed by the rows, and their partial sums are added in block order.
    public let threads: Int
    /// How many of `threads` a pass starting now may use. A worker lends a fold the cores its other
    /// folds leave idle, so this is asked again at every pass: a job's last fold widens to every
    /// core once the others finish.
    public let available: @Sendable () -> Int

    public init(dataset: Dataset, rows: [Int], threads: Int = 1, available: (@Sendable () -> Int)? = nil) {
        self.dataset = dataset
        self.rows = rows
        let most = max(1, threads)
        self.threads = most
        self.available = available ?? { most }
    }

    /// Threads for a pass starting now: `available()`, within 1...`threads`.
    public var lanes: Int { max(1, min(threads, available())) }

    public var count: Int { rows.count }
}

/// A learner configured with its hyperparameters; `fit` trains on a view and returns a model.
public protocol Learner: Sendable {
    /// Trains on `training`, checking `cancellation` between blocks of work. Throws `LearnerError`
    /// when training cannot proceed, of kind `cancelled` when it was asked to stop.
    func fit(_ training: RowView, cancellation: FoldCancellation) throws(LearnerError) -> any FittedModel
}

/// A trained model: one probability in [0, 1] per concept of the training dataset.
public protocol FittedModel: Sendable {
    /// `view.count × conceptCount` probabilities, row-major, in the training dataset's concept order.
    /// `view.dataset` has the same features and concepts as the training dataset. A model whose
    /// prediction takes long checks `cancellation` between blocks and throws `cancelled`.
    func predict(_ view: RowView, cancellation: FoldCancellation) throws(LearnerError) -> [Float]
}

/// Why a learner could not be built or trained.
public struct LearnerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// No learner has that name.
        case unknownModel = "unknown-model"
        /// A `--param` key the learner does not know, or a value it cannot use.
        case badParameter = "bad-parameter"
        /// Training failed (an external command exited non-zero, a singular problem, ...).
        case trainingFailed = "training-failed"
        /// The task does not fit its data: row lists out of order or range, or a holdout dataset whose
        /// features or concepts differ from the training dataset's.
        case invalidTask = "invalid-task"
        /// The fold was asked to stop (`FoldCancellation`) and did.
        case cancelled
        /// The learner cannot learn this dataset at all (softmax on multi-label rows); see
        /// `LearnerCatalog.check(_:canLearn:source:)`.
        case unsuitedDataset = "unsuited-dataset"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
