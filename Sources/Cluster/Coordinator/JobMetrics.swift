import Datasets
import Evaluation
import Foundation
import Reports

/// Turns a finished job's predictions into its EvalMetrics JSON. Pure and CPU-bound: the
/// coordinator runs it on a thread of its own, off the event loop.
public enum JobMetrics {
    public static func compute(_ request: MetricsRequest, software: String) -> Result<[UInt8], MetricsFailure> {
        let spec = request.spec
        do {
            let result: EvaluationResult
            if request.isHoldout, let only = request.predictions.first {
                result = try Evaluator.evaluateHoldout(dataset: request.evaluated, predictions: only, threshold: spec.threshold)
            } else {
                result = try Evaluator.evaluate(
                    dataset: request.evaluated, predictions: request.predictions, folds: spec.folds,
                    repeats: spec.repeats, threshold: spec.threshold)
            }
            let tasks = request.predictions.enumerated().map { index, task in
                RunDescription.TaskRecord(
                    repeatIndex: task.repeatIndex, fold: task.fold, worker: request.workers[safe: index],
                    duration: request.seconds[safe: index].map { .milliseconds(Int64(($0 * 1000).rounded())) })
            }
            let trainingRows = request.trainingRows
            let run = RunDescription(
                model: spec.model, modelParameters: spec.params, seed: spec.seed,
                split: request.isHoldout ? "holdout" : spec.split, folds: request.isHoldout ? 1 : spec.folds,
                repeats: request.isHoldout ? 1 : spec.repeats, threshold: spec.threshold,
                dataset: .init(path: spec.datasetName, sha256: spec.dataset, rows: trainingRows),
                holdout: spec.holdout.map {
                    .init(path: spec.holdoutName ?? "holdout", sha256: $0, rows: request.evaluated.rowCount)
                },
                wallTime: .milliseconds(Int64((request.wallSeconds * 1000).rounded())),
                tasks: tasks, toolVersion: software)
            let json = try EvalMetricsJSON.encode(result.evalMetrics(run: run))
            return .success(Array(json))
        } catch let error as EvaluationError {
            return .failure(MetricsFailure(error.description))
        } catch {
            return .failure(MetricsFailure("\(error)"))
        }
    }
}
