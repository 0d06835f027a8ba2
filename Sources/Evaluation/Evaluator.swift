import Datasets

/// Turns the predictions of every fold task into an `EvaluationResult`.
///
/// Pure: no I/O, no global state; the same inputs give the same result bit for bit.
public enum Evaluator {
    /// Evaluates K-fold (optionally repeated) cross-validation predictions.
    ///
    /// - Parameters:
    ///   - dataset: the evaluated dataset; its labels are the ground truth.
    ///   - predictions: one `FoldPredictions` per (repeat, fold) task, in any order.
    ///   - folds: K, the number of folds per repeat.
    ///   - repeats: R, the number of repeats.
    ///   - threshold: the decision threshold (a score `>= threshold` is predicted positive).
    /// - Throws: `EvaluationError` when the tasks do not match the plan, the folds of a repeat do
    ///   not partition the rows, or a score is not a probability.
    public static func evaluate(
        dataset: Dataset,
        predictions: [FoldPredictions],
        folds: Int,
        repeats: Int = 1,
        threshold: Double = 0.5
    ) throws(EvaluationError) -> EvaluationResult {
        try evaluate(dataset: dataset, predictions: predictions, folds: folds, repeats: repeats,
                     threshold: threshold, mode: .kfold)
    }

    /// Evaluates a model trained elsewhere on a holdout dataset: one "fold" holding out every row
    /// of `dataset` (Clarifai's `use_kfold: false`). Standard deviations are left undefined.
    ///
    /// - Throws: `EvaluationError` when `predictions` does not cover every row exactly once or a
    ///   score is not a probability.
    public static func evaluateHoldout(
        dataset: Dataset,
        predictions: FoldPredictions,
        threshold: Double = 0.5
    ) throws(EvaluationError) -> EvaluationResult {
        try evaluate(dataset: dataset, predictions: [predictions], folds: 1, repeats: 1,
                     threshold: threshold, mode: .holdout)
    }

    private static func evaluate(
        dataset: Dataset,
        predictions: [FoldPredictions],
        folds: Int,
        repeats: Int,
        threshold: Double,
        mode: EvaluationMode
    ) throws(EvaluationError) -> EvaluationResult {
        let tasks = try orderedTasks(predictions, dataset: dataset, folds: folds, repeats: repeats, threshold: threshold)
        let outOfFold = try (0..<repeats).map { (r) throws(EvaluationError) in
            try assembleOutOfFold(tasks[r * folds..<(r + 1) * folds], repeatIndex: r, dataset: dataset)
        }
        return try evaluate(dataset: dataset, outOfFold: outOfFold, folds: folds, threshold: threshold, mode: mode,
                            lanes: 1)
    }

    /// Evaluates K-fold cross-validation predictions already put back in input order, one
    /// `OutOfFoldPredictions` per repeat (each row's fold and scores): what a coordinator assembles
    /// from its stored fold results one at a time, so no fold's scores are held twice. The same
    /// numbers, bit for bit, as `evaluate(dataset:predictions:...)` of the same predictions.
    ///
    /// `lanes` threads compute the concepts' metrics side by side (the numbers do not depend on it).
    ///
    /// - Throws: `EvaluationError` when a repeat does not give every row a fold in `0..<folds`, or a
    ///   score is not a probability.
    public static func evaluate(
        dataset: Dataset,
        outOfFold: [OutOfFoldPredictions],
        folds: Int,
        threshold: Double = 0.5,
        holdout: Bool = false,
        lanes: Int = 1
    ) throws(EvaluationError) -> EvaluationResult {
        guard folds >= 1, !outOfFold.isEmpty else { throw .invalidPlan(folds: folds, repeats: outOfFold.count) }
        guard threshold.isFinite, (0...1).contains(threshold) else { throw .invalidThreshold(threshold) }
        guard dataset.rowCount > 0, dataset.conceptCount > 0 else {
            throw .emptyDataset(rows: dataset.rowCount, concepts: dataset.conceptCount)
        }
        for (r, predictions) in outOfFold.enumerated() {
            try check(predictions, repeatIndex: r, folds: folds, dataset: dataset)
        }
        return try evaluate(dataset: dataset, outOfFold: outOfFold, folds: folds, threshold: threshold,
                            mode: holdout ? .holdout : .kfold, lanes: lanes)
    }

    private static func evaluate(
        dataset: Dataset,
        outOfFold: [OutOfFoldPredictions],
        folds: Int,
        threshold: Double,
        mode: EvaluationMode,
        lanes: Int
    ) throws(EvaluationError) -> EvaluationResult {
        let conceptCount = dataset.conceptCount
        let repeats = outOfFold.count
        // Each fold's rows in increasing order, as its task held them out, per repeat.
        let rowsOfFold = outOfFold.map { predictions in
            var rows = [[Int]](repeating: [], count: folds)
            predictions.folds.withUnsafeBufferPointer { foldOfRow in
                for row in 0..<foldOfRow.count { rows[Int(foldOfRow[row])].append(row) }
            }
            return rows
        }
        // Per concept: its metrics in every (repeat, fold), then pooled over all rows and repeats.
        let perConcept = ConceptLanes.map(concepts: conceptCount, lanes: lanes) { concept, buffers in
            var perFold: [ConceptMetrics] = []
            perFold.reserveCapacity(outOfFold.count * folds)
            var splitCurves = SplitMeanCurves()
            for (predictions, rowsOfFold) in zip(outOfFold, rowsOfFold) {
                for rows in rowsOfFold {
                    buffers.ranking.removeAll(keepingCapacity: true)
                    predictions.scores.withUnsafeBufferPointer { scores in
                        for row in rows {
                            buffers.ranking.append(RankedScore(score: scores[row * conceptCount + concept],
                                                      isPositive: dataset.isPositive(row: row, concept: concept)))
                        }
                    }
                    // Each fold's grid counts go into the split average, then are dropped: a
                    // job of 100,000 tasks would otherwise hold 1.6 KB per task and concept.
                    let metrics = ConceptMetrics(
                        ranking: &buffers.ranking, scratch: &buffers.scratch, threshold: threshold, includeCurves: true)
                    if let curves = metrics.curves { splitCurves.add(curves) }
                    perFold.append(metrics.droppingCurves())
                }
            }
            buffers.ranking.removeAll(keepingCapacity: true)
            for predictions in outOfFold {
                predictions.scores.withUnsafeBufferPointer { scores in
                    for row in 0..<dataset.rowCount {
                        buffers.ranking.append(RankedScore(score: scores[row * conceptCount + concept],
                                                  isPositive: dataset.isPositive(row: row, concept: concept)))
                    }
                }
            }
            let pooled = ConceptMetrics(
                ranking: &buffers.ranking, scratch: &buffers.scratch, threshold: threshold, includeCurves: true)
            return (perFold: perFold, pooled: pooled, splitCurves: splitCurves)
        }
        var foldMetrics: [FoldMetrics] = []
        foldMetrics.reserveCapacity(folds * outOfFold.count)
        for (r, predictions) in outOfFold.enumerated() {
            for (fold, rows) in rowsOfFold[r].enumerated() {
                foldMetrics.append(FoldMetrics(
                    repeatIndex: predictions.repeatIndex, fold: fold, rowCount: rows.count,
                    concepts: perConcept.map { $0.perFold[r * folds + fold] }))
            }
        }
        let pooled = perConcept.map(\.pooled)

        let spread: (FoldStatistic) -> FoldStatistic = mode == .holdout ? { $0.withoutSpread } : { $0 }
        let conceptSummaries = (0..<conceptCount).map { concept in
            let values = foldMetrics.map { $0.concepts[concept] }
            return ConceptSummary(
                concept: dataset.concepts[concept],
                rocAUC: spread(FoldStatistic(values.map(\.rocAUC))),
                averagePrecision: spread(FoldStatistic(values.map(\.averagePrecision))),
                f1: spread(FoldStatistic(values.map { $0.atThreshold.f1 })),
                precision: spread(FoldStatistic(values.map { $0.atThreshold.precision })),
                recall: spread(FoldStatistic(values.map { $0.atThreshold.recall }))
            )
        }
        let macros = foldMetrics.map(\.macro)
        let summary = EvaluationSummary(
            macroROCAUC: spread(FoldStatistic(macros.map(\.rocAUC))),
            macroF1: spread(FoldStatistic(macros.map(\.f1))),
            macroPrecision: spread(FoldStatistic(macros.map(\.precision))),
            macroRecall: spread(FoldStatistic(macros.map(\.recall))),
            macroAveragePrecision: spread(FoldStatistic(macros.map(\.averagePrecision)))
        )

        return EvaluationResult(
            mode: mode,
            threshold: threshold,
            folds: folds,
            repeats: repeats,
            concepts: dataset.concepts,
            inputIDs: dataset.ids,
            foldMetrics: foldMetrics,
            conceptSummaries: conceptSummaries,
            summary: summary,
            pooled: pooled,
            pooledMacro: MacroValues(concepts: pooled),
            splitCurves: perConcept.map(\.splitCurves),
            confusion: ConceptConfusion(dataset: dataset, outOfFold: outOfFold),
            labels: LabelStatistics(dataset: dataset),
            outOfFold: outOfFold
        )
    }

    /// Checks one repeat's out-of-fold predictions: every row has a fold in `0..<folds` and every
    /// score is a probability.
    private static func check(
        _ predictions: OutOfFoldPredictions, repeatIndex: Int, folds: Int, dataset: Dataset
    ) throws(EvaluationError) {
        guard predictions.conceptCount == dataset.conceptCount else {
            throw .conceptCountMismatch(repeatIndex: repeatIndex, fold: 0, expected: dataset.conceptCount,
                                        found: predictions.conceptCount)
        }
        guard predictions.rowCount == dataset.rowCount else {
            throw .rowNotTested(repeatIndex: repeatIndex, row: min(predictions.rowCount, dataset.rowCount))
        }
        let conceptCount = dataset.conceptCount
        for row in 0..<dataset.rowCount {
            let fold = Int(predictions.folds[row])
            guard fold >= 0 else { throw .rowNotTested(repeatIndex: repeatIndex, row: row) }
            guard fold < folds else {
                throw .taskOutOfRange(repeatIndex: repeatIndex, fold: fold, folds: folds, repeats: repeatIndex + 1)
            }
            for concept in 0..<conceptCount {
                let value = predictions.scores[row * conceptCount + concept]
                // `contains` is false for NaN, so this also rejects NaN and infinities.
                guard (0...1).contains(value) else {
                    throw .invalidScore(repeatIndex: repeatIndex, fold: fold, row: row, concept: concept, value: value)
                }
            }
        }
    }

    /// Checks the plan and returns the tasks ordered by (repeat, fold), one per task.
    private static func orderedTasks(
        _ predictions: [FoldPredictions],
        dataset: Dataset,
        folds: Int,
        repeats: Int,
        threshold: Double
    ) throws(EvaluationError) -> [FoldPredictions] {
        guard folds >= 1, repeats >= 1 else { throw .invalidPlan(folds: folds, repeats: repeats) }
        guard threshold.isFinite, (0...1).contains(threshold) else { throw .invalidThreshold(threshold) }
        guard dataset.rowCount > 0, dataset.conceptCount > 0 else {
            throw .emptyDataset(rows: dataset.rowCount, concepts: dataset.conceptCount)
        }
        var slots = [FoldPredictions?](repeating: nil, count: folds * repeats)
        for task in predictions {
            guard (0..<repeats).contains(task.repeatIndex), (0..<folds).contains(task.fold) else {
                throw .taskOutOfRange(repeatIndex: task.repeatIndex, fold: task.fold, folds: folds, repeats: repeats)
            }
            guard task.conceptCount == dataset.conceptCount else {
                throw .conceptCountMismatch(repeatIndex: task.repeatIndex, fold: task.fold,
                                            expected: dataset.conceptCount, found: task.conceptCount)
            }
            let slot = task.repeatIndex * folds + task.fold
            guard slots[slot] == nil else { throw .duplicateTask(repeatIndex: task.repeatIndex, fold: task.fold) }
            slots[slot] = task
        }
        var ordered: [FoldPredictions] = []
        ordered.reserveCapacity(slots.count)
        for (slot, task) in slots.enumerated() {
            guard let task else { throw .missingTask(repeatIndex: slot / folds, fold: slot % folds) }
            ordered.append(task)
        }
        return ordered
    }

    /// Puts one repeat's fold predictions back in input order, checking that they partition the
    /// rows and hold probabilities.
    private static func assembleOutOfFold(
        _ tasks: ArraySlice<FoldPredictions>,
        repeatIndex: Int,
        dataset: Dataset
    ) throws(EvaluationError) -> OutOfFoldPredictions {
        let conceptCount = dataset.conceptCount
        var foldOfRow = [Int32](repeating: -1, count: dataset.rowCount)
        var scores = [Float](repeating: 0, count: dataset.rowCount * conceptCount)
        for task in tasks {
            for (position, row) in task.rows.enumerated() {
                guard (0..<dataset.rowCount).contains(row) else {
                    throw .rowOutOfRange(repeatIndex: repeatIndex, fold: task.fold, row: row, rowCount: dataset.rowCount)
                }
                guard foldOfRow[row] < 0 else {
                    throw .rowTestedTwice(repeatIndex: repeatIndex, row: row,
                                          firstFold: Int(foldOfRow[row]), secondFold: task.fold)
                }
                foldOfRow[row] = Int32(task.fold)
                for concept in 0..<conceptCount {
                    let value = task.scores[position * conceptCount + concept]
                    // `contains` is false for NaN, so this also rejects NaN and infinities.
                    guard (0...1).contains(value) else {
                        throw .invalidScore(repeatIndex: repeatIndex, fold: task.fold, row: row,
                                            concept: concept, value: value)
                    }
                    scores[row * conceptCount + concept] = value
                }
            }
        }
        if let missing = foldOfRow.firstIndex(of: -1) {
            throw .rowNotTested(repeatIndex: repeatIndex, row: missing)
        }
        return OutOfFoldPredictions(repeatIndex: repeatIndex, folds: foldOfRow, scores: scores, conceptCount: conceptCount)
    }
}
