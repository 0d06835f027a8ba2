import Datasets
import Evaluation
import Foundation
import Reports

/// Turns a finished job's stored results into its EvalMetrics JSON and its predictions file. Reads
/// the store and is CPU-bound: the coordinator runs it on a thread of its own, off the event loop.
public enum JobMetrics {
    public static func compute(_ request: MetricsRequest, store: any JobStore, software: String) -> Result<ComputedMetrics, MetricsFailure> {
        let active = request.job
        let spec = active.spec
        let results: [Int: StoredResult]
        do {
            results = try store.results(of: active.id)
        } catch {
            return .failure(MetricsFailure("the results of job \(active.id) could not be read back: \(error)"))
        }
        let concepts = active.dataset.conceptCount
        var predictions: [FoldPredictions] = []
        var workers: [String] = []
        var seconds: [Double] = []
        predictions.reserveCapacity(active.taskCount)
        for task in 0..<active.taskCount {
            guard let result = results[task] else {
                return .failure(MetricsFailure("task \(task) of job \(active.id) has no stored result"))
            }
            let label = active.label(of: task)
            let rows = active.testRows(of: task)
            guard result.scores.count == rows.count * concepts else {
                return .failure(MetricsFailure("the stored result of task \(task) of job \(active.id) has the wrong shape"))
            }
            predictions.append(FoldPredictions(
                repeatIndex: label.repeatIndex, fold: label.fold, rows: rows, scores: result.scores, conceptCount: concepts))
            workers.append(result.worker)
            seconds.append(result.seconds)
        }
        let evaluated = active.holdout ?? active.dataset
        let isHoldout = active.holdout != nil
        do {
            let result: EvaluationResult
            if isHoldout, let only = predictions.first {
                result = try Evaluator.evaluateHoldout(dataset: evaluated, predictions: only, threshold: spec.threshold)
            } else {
                result = try Evaluator.evaluate(
                    dataset: evaluated, predictions: predictions, folds: spec.folds, repeats: spec.repeats,
                    threshold: spec.threshold)
            }
            let tasks = predictions.enumerated().map { index, task in
                RunDescription.TaskRecord(
                    repeatIndex: task.repeatIndex, fold: task.fold, worker: workers[safe: index],
                    duration: seconds[safe: index].map { .milliseconds(Int64(($0 * 1000).rounded())) })
            }
            let run = RunDescription(
                model: spec.model, modelParameters: spec.params, seed: spec.seed,
                split: isHoldout ? "holdout" : spec.split, folds: isHoldout ? 1 : spec.folds,
                repeats: isHoldout ? 1 : spec.repeats, threshold: spec.threshold,
                dataset: .init(path: spec.datasetName, sha256: spec.dataset, rows: active.dataset.rowCount),
                holdout: spec.holdout.map {
                    .init(path: spec.holdoutName ?? "holdout", sha256: $0, rows: evaluated.rowCount)
                },
                wallTime: .milliseconds(Int64((request.wallSeconds * 1000).rounded())),
                tasks: tasks, toolVersion: software)
            let json = Array(try EvalMetricsJSON.encode(result.evalMetrics(run: run)))
            let header = PredictionsFile.Header(rows: evaluated.rowCount, concepts: concepts, repeats: active.plan?.repeats ?? 1)
            let write = PredictionsFile.size(rows: header.rows, concepts: concepts, repeats: header.repeats).map { size in
                let parts = predictions.map {
                    PredictionsFile.Task(repeatIndex: $0.repeatIndex, fold: $0.fold, rows: $0.rows, scores: $0.scores)
                }
                return PredictionsWrite(size: size) { buffer in PredictionsFile.fill(buffer, header: header, tasks: parts) }
            }
            return .success(ComputedMetrics(json: json, predictions: write))
        } catch let error as EvaluationError {
            return .failure(MetricsFailure(error.description))
        } catch {
            return .failure(MetricsFailure("\(error)"))
        }
    }
}
