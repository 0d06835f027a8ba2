extension EvaluationResult {
    /// The description Clarifai gives a finished evaluation (status 21300).
    public static let evaluatedDescription = "Model was successfully evaluated."

    /// The result as one Clarifai `EvalMetrics` message (REST shape), computed the way Clarifai
    /// computes its own (docs/RESULTS.md, "How Clarifai computes", gives the evidence), with
    /// crossfold's extras under `extended_metrics.user_metrics.crossfold`:
    ///
    /// - summary: `macro_avg_*` the means over concepts of the per-concept values below (precision
    ///   and recall read from the split-averaged curves at the threshold); `macro_std_*` the sample
    ///   std over the tasks of each task's macro value;
    /// - binary_metrics: `num_*` a typical split's (the mean over the tasks, rounded down); the curves
    ///   averaged over the tasks point by point; `roc_auc`, `f1` and `avg_precision` the means over
    ///   the tasks (omitted when undefined in every task);
    /// - confusion_matrix (average probabilities over all out-of-fold predictions),
    ///   cooccurrence_matrix (non-zero cells) and label_counts (the evaluated dataset), all in
    ///   dataset concept order;
    /// - test_set: per input, when `testSet` is given;
    /// - id, model, ground_truth_dataset and eval_info.params from `run`.
    public func evalMetrics(run: RunDescription, testSet: TestSetSource? = nil) -> EvalMetrics {
        var metrics = EvalMetrics()
        metrics.status = EvalStatus(code: EvalStatus.evaluated, description: Self.evaluatedDescription)
        metrics.id = run.evaluationID
        metrics.model = ModelReference(id: run.model)
        metrics.model?.modelTypeID = RunDescription.modelTypeID
        let truth = run.holdout ?? run.dataset
        metrics.groundTruthDataset = DatasetReference(id: truth.datasetID, versionID: truth.sha256)

        let atThreshold = concepts.indices.map(splitMeanAtThreshold)
        var clarifaiSummary = MetricsSummary()
        clarifaiSummary.macroAvgRocAuc = meanOfDefined(conceptSummaries.map(\.rocAUC.mean))
        clarifaiSummary.macroStdRocAuc = summary.macroROCAUC.standardDeviation
        clarifaiSummary.macroAvgF1Score = meanOfDefined(conceptSummaries.map(\.f1.mean))
        clarifaiSummary.macroStdF1Score = summary.macroF1.standardDeviation
        clarifaiSummary.macroAvgPrecision = meanOfDefined(atThreshold.map(\.precision))
        clarifaiSummary.macroAvgRecall = meanOfDefined(atThreshold.map(\.recall))
        metrics.summary = clarifaiSummary

        let tasks = max(1, foldMetrics.count)
        metrics.binaryMetrics = concepts.indices.map { index in
            var binary = BinaryMetrics()
            binary.concept = Concept(id: concepts[index], name: concepts[index])
            // A typical split's counts: the mean over the tasks, rounded down (each on its own).
            binary.numPos = foldMetrics.reduce(0) { $0 + $1.concepts[index].positives } / tasks
            binary.numNeg = foldMetrics.reduce(0) { $0 + $1.concepts[index].negatives } / tasks
            binary.numTot = foldMetrics.reduce(0) { $0 + $1.concepts[index].total } / tasks
            binary.rocAuc = conceptSummaries[index].rocAUC.mean
            binary.f1 = conceptSummaries[index].f1.mean
            binary.avgPrecision = conceptSummaries[index].averagePrecision.mean
            binary.rocCurve = splitCurves[index].roc
            binary.precisionRecallCurve = splitCurves[index].precisionRecall
            return binary
        }

        var entries: [ConfusionMatrixEntry] = []
        for actual in concepts.indices {
            guard let row = confusion.meanProbability[actual] else { continue }
            for predicted in concepts.indices {
                var entry = ConfusionMatrixEntry(predicted: concepts[predicted], actual: concepts[actual], value: row[predicted])
                // Clarifai fills both concepts; its SDK reads the ids from them.
                entry.predictedConcept = Concept(id: concepts[predicted], name: concepts[predicted], value: row[predicted])
                entry.actualConcept = Concept(id: concepts[actual], name: concepts[actual], value: 1)
                entries.append(entry)
            }
        }
        metrics.confusionMatrix = ConfusionMatrix(matrix: entries, conceptIDs: concepts)

        var cooccurrence: [CooccurrenceMatrixEntry] = []
        for row in concepts.indices {
            for column in concepts.indices where labels.cooccurrence[row][column] > 0 {
                cooccurrence.append(CooccurrenceMatrixEntry(row: concepts[row], col: concepts[column],
                                                            count: labels.cooccurrence[row][column]))
            }
        }
        metrics.cooccurrenceMatrix = CooccurrenceMatrix(matrix: cooccurrence, conceptIDs: concepts)

        metrics.labelCounts = LabelDistribution(positiveLabelCounts: concepts.indices.map { index in
            var count = LabelCount(concept: Concept(id: concepts[index], name: concepts[index], value: 1),
                                   count: labels.positiveCounts[index])
            count.conceptName = concepts[index]
            return count
        })
        if let testSet { metrics.testSet = testSetEntries(testSet) }

        metrics.evalInfo = EvalInfo(params: .object([
            "use_kfold": .bool(mode == .kfold),
            "dataset_id": .string(truth.datasetID),
            "dataset_version_id": .string(truth.sha256),
        ]))
        metrics.extendedMetrics = ExtendedMetrics(userMetrics: .object(["crossfold": crossfoldReport(run: run).json]))
        return metrics
    }

    /// Concept `index`'s precision and recall at the threshold the way its split-averaged curves
    /// give them: each task's own, averaged over the tasks (precision 1 in a task that predicts
    /// nothing; recall over the tasks with a positive). At a grid threshold these are the curves'
    /// points.
    func splitMeanAtThreshold(_ index: Int) -> (precision: Double?, recall: Double?) {
        var precision = 0.0
        var recall = 0.0
        var withPositives = 0
        for fold in foldMetrics {
            let metrics = fold.concepts[index]
            let counts = metrics.atThreshold
            precision += GridCurves.curvePrecision(truePositives: counts.truePositives, falsePositives: counts.falsePositives)
            if metrics.positives > 0 {
                recall += counts.recall
                withPositives += 1
            }
        }
        guard !foldMetrics.isEmpty else { return (nil, nil) }
        return (precision / Double(foldMetrics.count), withPositives == 0 ? 0 : recall / Double(withPositives))
    }

    /// crossfold's extras for `extended_metrics.user_metrics.crossfold`. Worker ids and task
    /// durations come from `run.tasks`.
    public func crossfoldReport(run: RunDescription) -> CrossfoldReport {
        let conceptRows = concepts.indices.map { index in
            let summary = conceptSummaries[index]
            let pooledConcept = pooled[index]
            return CrossfoldReport.ConceptRow(
                concept: concepts[index],
                rocAUC: summary.rocAUC,
                averagePrecision: summary.averagePrecision,
                f1: summary.f1,
                precision: summary.precision,
                recall: summary.recall,
                pooled: CrossfoldReport.PooledConcept(
                    positives: pooledConcept.positives,
                    negatives: pooledConcept.negatives,
                    counts: pooledConcept.atThreshold,
                    rocAUC: pooledConcept.rocAUC,
                    averagePrecision: pooledConcept.averagePrecision,
                    grid: pooledConcept.curves
                )
            )
        }
        let records = run.tasksByFold()
        let foldRows = foldMetrics.map { fold in
            let record = records[RunDescription.TaskPosition(repeatIndex: fold.repeatIndex, fold: fold.fold)]
            return CrossfoldReport.FoldRow(
                repeatIndex: fold.repeatIndex,
                fold: fold.fold,
                rowCount: fold.rowCount,
                macro: fold.macro,
                worker: record?.worker,
                seconds: record?.duration?.seconds,
                concepts: fold.concepts.indices.map { index in
                    let metrics = fold.concepts[index]
                    return CrossfoldReport.FoldConcept(
                        concept: concepts[index],
                        positives: metrics.positives,
                        negatives: metrics.negatives,
                        counts: metrics.atThreshold,
                        rocAUC: metrics.rocAUC,
                        averagePrecision: metrics.averagePrecision
                    )
                }
            )
        }
        return CrossfoldReport(
            mode: mode,
            threshold: threshold,
            foldCount: folds,
            repeatCount: repeats,
            run: run,
            summary: summary,
            pooledMacro: pooledMacro,
            pooledPredictionCount: rowCount * repeats,
            concepts: conceptRows,
            folds: foldRows,
            confusionCounts: CrossfoldReport.ConfusionCounts(conceptIDs: concepts, matrix: confusion.topConceptCounts)
        )
    }
}
