extension EvaluationResult {
    /// The description Clarifai gives a finished evaluation (status 21300).
    public static let evaluatedDescription = "Model was successfully evaluated."

    /// The result as one Clarifai `EvalMetrics` message (REST shape), with crossfold's extras under
    /// `extended_metrics.user_metrics.crossfold`. docs/RESULTS.md documents every field.
    ///
    /// - summary: mean and sample std over the folds of each fold's macro value;
    /// - binary_metrics: `num_*` and the curves pooled over all out-of-fold predictions,
    ///   `roc_auc`, `f1` and `avg_precision` the mean over the folds (omitted when undefined);
    /// - confusion_matrix: average probabilities over all out-of-fold predictions, `concept_ids`
    ///   by diagonal strength; cooccurrence_matrix (non-zero cells) and label_counts over the
    ///   evaluated dataset;
    /// - eval_info.params: `use_kfold` (false in holdout mode).
    public func evalMetrics(run: RunDescription) -> EvalMetrics {
        var metrics = EvalMetrics()
        metrics.status = EvalStatus(code: EvalStatus.evaluated, description: Self.evaluatedDescription)

        var clarifaiSummary = MetricsSummary()
        clarifaiSummary.macroAvgRocAuc = summary.macroROCAUC.mean
        clarifaiSummary.macroStdRocAuc = summary.macroROCAUC.standardDeviation
        clarifaiSummary.macroAvgF1Score = summary.macroF1.mean
        clarifaiSummary.macroStdF1Score = summary.macroF1.standardDeviation
        clarifaiSummary.macroAvgPrecision = summary.macroPrecision.mean
        clarifaiSummary.macroAvgRecall = summary.macroRecall.mean
        metrics.summary = clarifaiSummary

        metrics.binaryMetrics = concepts.indices.map { index in
            let pooledConcept = pooled[index]
            var binary = BinaryMetrics()
            binary.concept = Concept(id: concepts[index], name: concepts[index])
            binary.numPos = pooledConcept.positives
            binary.numNeg = pooledConcept.negatives
            binary.numTot = pooledConcept.total
            binary.rocAuc = conceptSummaries[index].rocAUC.mean
            binary.f1 = conceptSummaries[index].f1.mean
            binary.avgPrecision = conceptSummaries[index].averagePrecision.mean
            binary.rocCurve = pooledConcept.curves?.roc
            binary.precisionRecallCurve = pooledConcept.curves?.precisionRecall
            return binary
        }

        let order = confusion.order
        var entries: [ConfusionMatrixEntry] = []
        for actual in order {
            guard let row = confusion.meanProbability[actual] else { continue }
            for predicted in order {
                var entry = ConfusionMatrixEntry(predicted: concepts[predicted], actual: concepts[actual], value: row[predicted])
                // Clarifai fills both concepts; its SDK reads the ids from them.
                entry.predictedConcept = Concept(id: concepts[predicted], name: concepts[predicted], value: row[predicted])
                entry.actualConcept = Concept(id: concepts[actual], name: concepts[actual], value: 1)
                entries.append(entry)
            }
        }
        let orderedIDs = order.map { concepts[$0] }
        metrics.confusionMatrix = ConfusionMatrix(matrix: entries, conceptIDs: orderedIDs)

        var cooccurrence: [CooccurrenceMatrixEntry] = []
        for row in order {
            for column in order where labels.cooccurrence[row][column] > 0 {
                cooccurrence.append(CooccurrenceMatrixEntry(row: concepts[row], col: concepts[column],
                                                            count: labels.cooccurrence[row][column]))
            }
        }
        metrics.cooccurrenceMatrix = CooccurrenceMatrix(matrix: cooccurrence, conceptIDs: orderedIDs)

        metrics.labelCounts = LabelDistribution(positiveLabelCounts: concepts.indices.map { index in
            var count = LabelCount(concept: Concept(id: concepts[index], name: concepts[index], value: 1),
                                   count: labels.positiveCounts[index])
            count.conceptName = concepts[index]
            return count
        })

        metrics.evalInfo = EvalInfo(params: .object(["use_kfold": .bool(mode == .kfold)]))
        metrics.extendedMetrics = ExtendedMetrics(userMetrics: .object(["crossfold": crossfoldReport(run: run).json]))
        return metrics
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
                    averagePrecision: pooledConcept.averagePrecision
                )
            )
        }
        let foldRows = foldMetrics.map { fold in
            let record = run.task(repeatIndex: fold.repeatIndex, fold: fold.fold)
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
        let order = confusion.order
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
            confusionCounts: CrossfoldReport.ConfusionCounts(
                conceptIDs: order.map { concepts[$0] },
                matrix: order.map { actual in order.map { confusion.topConceptCounts[actual][$0] } }
            )
        )
    }
}
