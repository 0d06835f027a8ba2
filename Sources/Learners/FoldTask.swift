import Datasets

/// The unit of work of an evaluation: train on some rows, predict others. A pure function of its
/// arguments, so the local runner and a cluster worker call exactly this and get the same bits.
public enum FoldTask {
    /// Trains `spec`'s learner on `trainRows` of `dataset` and predicts `testRows`, splitting its
    /// passes over up to `threads` threads, `available()` of them at each pass (the result does not
    /// depend on how many).
    ///
    /// Both row lists must be strictly increasing indices into `dataset`; `trainRows` must not be
    /// empty. The predictions carry `testRows` in that order. Throws `invalidTask` for bad row lists
    /// or a dataset without features, `unknownModel`/`badParameter` for a bad spec, and
    /// `trainingFailed` when the learner cannot train (softmax or naive Bayes on rows with several
    /// concepts where one is required), and `cancelled` when `cancellation` stopped it.
    ///
    /// With `partitions` (the fold of every row in this repeat), a learner whose fit needs only sums
    /// (`AdditiveLearner`: centroid, naive-bayes) fits from the partitions' sums, and `knn` predicts
    /// from pairs of rows compared once for all folds (`NeighbourPairs`); `memo` keeps either for the
    /// repeat's other folds. `partitions` must then agree with `testRows` (else `invalidTask`). The
    /// scores are the same bits with or without `memo`, and other learners ignore `partitions`.
    public static func run(
        dataset: Dataset, trainRows: [Int], testRows: [Int], repeatIndex: Int, fold: Int, spec: LearnerSpec,
        threads: Int = 1, available: (@Sendable () -> Int)? = nil, partitions: FoldPartitions? = nil,
        memo: PartitionStatisticsMemo? = nil, cancellation: FoldCancellation = FoldCancellation()
    ) throws(LearnerError) -> FoldPredictions {
        try checkFeatures(dataset)
        try checkRows(trainRows, of: dataset, name: "training")
        try checkRows(testRows, of: dataset, name: "test")
        guard !trainRows.isEmpty else {
            throw LearnerError(.invalidTask, "fold \(fold) of repeat \(repeatIndex) has no training rows")
        }
        let learner = try LearnerCatalog.make(spec)
        let lanes = { RowView(dataset: dataset, rows: [], threads: threads, available: available).lanes }
        if let partitions, let knn = learner as? NearestNeighboursLearner, knn.sharesPairs(partitions, dataset: dataset) {
            try check(partitions, fold: fold, repeatIndex: repeatIndex, testRows: testRows, rowCount: dataset.rowCount)
            let scores = try knn.predict(
                fold: fold, of: partitions, dataset: dataset, lanes: lanes(), memo: memo, key: spec.memoKey,
                cancellation: cancellation)
            try checkScores(scores, rows: testRows.count, concepts: dataset.conceptCount, model: spec.model)
            return FoldPredictions(
                repeatIndex: repeatIndex, fold: fold, rows: testRows, scores: scores, conceptCount: dataset.conceptCount
            )
        }
        let model: any FittedModel
        if let partitions, let additive = learner as? any AdditiveLearner, additive.fitsFromSums(partitions, dataset: dataset) {
            try check(partitions, fold: fold, repeatIndex: repeatIndex, testRows: testRows, rowCount: dataset.rowCount)
            model = try additive.fit(
                fold: fold, of: partitions, dataset: dataset, lanes: lanes(), memo: memo, key: spec.memoKey,
                cancellation: cancellation)
        } else {
            model = try learner.fit(
                RowView(dataset: dataset, rows: trainRows, threads: threads, available: available), cancellation: cancellation)
        }
        try cancellation.check()
        let scores = try model.predict(
            RowView(dataset: dataset, rows: testRows, threads: threads, available: available), cancellation: cancellation)
        try checkScores(scores, rows: testRows.count, concepts: dataset.conceptCount, model: spec.model)
        return FoldPredictions(
            repeatIndex: repeatIndex, fold: fold, rows: testRows, scores: scores, conceptCount: dataset.conceptCount
        )
    }

    /// Trains on every row of `training` and predicts every row of `test` (Clarifai's evaluation
    /// without K-fold). The predictions are repeat 0, fold 0, rows `0..<test.rowCount`.
    ///
    /// The caller aligns the datasets: `test` must have the same feature count and the same concepts in
    /// the same order as `training`, else this throws `invalidTask` saying what differs.
    public static func runHoldout(
        training: Dataset, test: Dataset, spec: LearnerSpec, threads: Int = 1, available: (@Sendable () -> Int)? = nil,
        cancellation: FoldCancellation = FoldCancellation()
    ) throws(LearnerError) -> FoldPredictions {
        guard test.featureCount == training.featureCount else {
            throw LearnerError(
                .invalidTask,
                "the holdout dataset has \(test.featureCount) features but the training dataset has "
                    + "\(training.featureCount); both must come from the same embedding"
            )
        }
        guard test.concepts == training.concepts else {
            let missing = Set(training.concepts).subtracting(test.concepts).sorted()
            let extra = Set(test.concepts).subtracting(training.concepts).sorted()
            var detail: [String] = []
            if !missing.isEmpty { detail.append("missing from the holdout: \(missing.joined(separator: ", "))") }
            if !extra.isEmpty { detail.append("only in the holdout: \(extra.joined(separator: ", "))") }
            if detail.isEmpty { detail.append("same concepts in a different order") }
            throw LearnerError(
                .invalidTask,
                "the holdout dataset's concepts differ from the training dataset's (\(detail.joined(separator: "; "))); "
                    + "align the holdout to the training concept list first"
            )
        }
        try checkFeatures(training)
        guard training.rowCount > 0 else { throw LearnerError(.invalidTask, "the training dataset has no rows") }
        let learner = try LearnerCatalog.make(spec)
        let model = try learner.fit(
            RowView(dataset: training, rows: Array(0..<training.rowCount), threads: threads, available: available),
            cancellation: cancellation)
        try cancellation.check()
        let rows = Array(0..<test.rowCount)
        let scores = try model.predict(
            RowView(dataset: test, rows: rows, threads: threads, available: available), cancellation: cancellation)
        try checkScores(scores, rows: rows.count, concepts: training.conceptCount, model: spec.model)
        return FoldPredictions(repeatIndex: 0, fold: 0, rows: rows, scores: scores, conceptCount: training.conceptCount)
    }

    /// Refuses partitions whose fold `fold` is not exactly `testRows`.
    private static func check(
        _ partitions: FoldPartitions, fold: Int, repeatIndex: Int, testRows: [Int], rowCount: Int
    ) throws(LearnerError) {
        guard partitions.match(fold: fold, testRows: testRows, rowCount: rowCount) else {
            throw LearnerError(
                .invalidTask,
                "fold \(fold) of repeat \(repeatIndex): the fold of every row the task carries does not agree with its "
                    + "test rows (a coordinator fault; report it)")
        }
    }

    private static func checkFeatures(_ dataset: Dataset) throws(LearnerError) {
        guard dataset.featureCount > 0 else {
            throw LearnerError(.invalidTask, "the dataset has no feature columns; learners need at least one")
        }
    }

    private static func checkRows(_ rows: [Int], of dataset: Dataset, name: String) throws(LearnerError) {
        var previous = -1
        for row in rows {
            guard row > previous, row < dataset.rowCount else {
                throw LearnerError(
                    .invalidTask,
                    "\(name) row \(row) is out of order or outside the dataset's \(dataset.rowCount) rows; "
                        + "rows must be strictly increasing indices"
                )
            }
            previous = row
        }
    }

    /// A learner that returns a non-finite or out-of-range probability has a bug; refuse the result
    /// rather than poison the metrics.
    private static func checkScores(_ scores: [Float], rows: Int, concepts: Int, model: String) throws(LearnerError) {
        guard scores.count == rows * concepts else {
            throw LearnerError(.trainingFailed, "\(model) returned \(scores.count) scores for \(rows) rows × \(concepts) concepts")
        }
        if let bad = scores.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw LearnerError(
                .trainingFailed,
                "\(model) produced probability \(scores[bad]) for test row \(bad / max(1, concepts)); "
                    + "try standardize=true or a smaller C"
            )
        }
    }
}
