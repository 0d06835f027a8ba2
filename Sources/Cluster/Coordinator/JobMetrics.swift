import Datasets
import Evaluation
import Foundation
import Reports
import Wire

/// Turns a finished job's stored results into its EvalMetrics JSON and its predictions file. Reads
/// the store and is CPU-bound: the coordinator runs it on a thread of its own, off the event loop.
///
/// Results are read one task at a time and put in place in the out-of-fold predictions (input
/// order, one array per repeat), so the scores are held once: the metrics are computed from those
/// arrays, and the predictions file is their bytes. `lanes` threads compute the concepts' metrics.
public enum JobMetrics {
    public static func compute(
        _ request: MetricsRequest, store: any JobStore, software: String, lanes: Int = 1
    ) -> Result<ComputedMetrics, MetricsFailure> {
        let active = request.job
        guard active.spec.isSweep else {
            return configuration(0, of: request, store: store, software: software, lanes: lanes).map { one in
                ComputedMetrics(json: one.json, predictions: predictionsWrite(one.outOfFold, of: active))
            }
        }
        return SweepMetrics.compute(request, store: store, software: software, lanes: lanes)
    }

    /// One configuration's EvalMetrics JSON (compact) and out-of-fold predictions: configuration
    /// `index`'s tasks, described as the single run of it (`JobSpec.singleRun`), so a sweep's result
    /// for it is the one that run gives.
    static func configuration(
        _ index: Int, of request: MetricsRequest, store: any JobStore, software: String, lanes: Int
    ) -> Result<(json: [UInt8], outOfFold: [OutOfFoldPredictions]), MetricsFailure> {
        let active = request.job
        let spec = active.spec.singleRun(index)
        let evaluated = active.holdout ?? active.dataset
        let isHoldout = active.holdout != nil
        let concepts = active.dataset.conceptCount
        let outOfFold: [OutOfFoldPredictions]
        let tasks: [RunDescription.TaskRecord]
        switch gather(index, of: active, store: store) {
        case .success(let gathered): (outOfFold, tasks) = gathered
        case .failure(let failure): return .failure(failure)
        }
        do {
            let result = try Evaluator.evaluate(
                dataset: evaluated, outOfFold: outOfFold, folds: isHoldout ? 1 : spec.folds, threshold: spec.threshold,
                holdout: isHoldout, lanes: lanes)
            var run = RunDescription(
                model: spec.model, modelParameters: spec.params, seed: spec.seed,
                split: isHoldout ? "holdout" : spec.split, folds: isHoldout ? 1 : spec.folds,
                repeats: isHoldout ? 1 : spec.repeats, threshold: spec.threshold,
                dataset: .init(path: spec.datasetName, sha256: spec.dataset, rows: active.dataset.rowCount),
                holdout: spec.holdout.map {
                    .init(path: spec.holdoutName ?? "holdout", sha256: $0, rows: evaluated.rowCount)
                },
                wallTime: .milliseconds(Int64((request.wallSeconds * 1000).rounded())),
                tasks: tasks, toolVersion: software)
            run.verification = active.verification.map { summary in
                RunDescription.Verification(
                    fraction: summary.fraction, tasksChecked: summary.tasksChecked, tasksVerified: summary.tasksVerified,
                    mismatches: summary.mismatches, quarantined: summary.quarantined, extraTasks: summary.extraTasks,
                    notRun: summary.notRun)
            }
            let scope = spec.testSet.flatMap(TestSetSource.Scope.init(rawValue:)) ?? .split
            let json = try EvalMetricsJSON.encodeBytes(
                result.evalMetrics(run: run, testSet: TestSetSource(dataset: evaluated, scope: scope)), pretty: false)
            guard json.count <= ClientReply.maxMetricsBytes else {
                return .failure(MetricsFailure(
                    "the metrics of \(concepts) concepts over \(tasks.count) tasks take \(json.count >> 20) MiB of JSON, more "
                        + "than the \(ClientReply.maxMetricsBytes >> 20) MiB a result may hold (Clarifai's confusion matrix has "
                        + "an entry per pair of concepts, the per-fold section one per task and concept); evaluate fewer "
                        + "concepts at once, or use fewer folds × repeats"
                        + (scope == .all ? ", or drop --test-set all" : "")))
            }
            return .success((json, outOfFold))
        } catch let error as EvaluationError {
            return .failure(MetricsFailure(error.description))
        } catch {
            return .failure(MetricsFailure("\(error)"))
        }
    }

    /// Configuration `index`'s out-of-fold predictions, one per repeat, put together from its
    /// stored results one task at a time, with the record of who computed each task.
    static func gather(
        _ index: Int, of active: ActiveJob, store: any JobStore
    ) -> Result<(outOfFold: [OutOfFoldPredictions], tasks: [RunDescription.TaskRecord]), MetricsFailure> {
        let firstTask = index * active.tasksPerConfiguration
        let concepts = active.dataset.conceptCount
        let rows = (active.holdout ?? active.dataset).rowCount
        let repeats = active.plan?.repeats ?? 1
        var folds = (0..<repeats).map { _ in [Int32](repeating: -1, count: rows) }
        var scores = (0..<repeats).map { _ in [Float](repeating: 0, count: rows * concepts) }
        var tasks: [RunDescription.TaskRecord] = []
        tasks.reserveCapacity(active.tasksPerConfiguration)
        for task in firstTask..<(firstTask + active.tasksPerConfiguration) {
            let result: StoredResult?
            do {
                result = try store.result(of: active.id, task: task)
            } catch {
                return .failure(MetricsFailure("the results of job \(active.id) could not be read back: \(error)"))
            }
            guard let result else {
                return .failure(MetricsFailure("task \(task) of job \(active.id) has no stored result"))
            }
            let label = active.label(of: task)
            let held = active.testRows(of: task)
            guard result.scores.count == held.count * concepts, held.allSatisfy({ (0..<rows).contains($0) }) else {
                return .failure(MetricsFailure("the stored result of task \(task) of job \(active.id) has the wrong shape"))
            }
            result.scores.withUnsafeBufferPointer { source in
                scores[label.repeatIndex].withUnsafeMutableBufferPointer { target in
                    for (position, row) in held.enumerated() {
                        _ = UnsafeMutableBufferPointer(rebasing: target[(row * concepts)..<((row + 1) * concepts)])
                            .update(fromContentsOf: UnsafeBufferPointer(rebasing: source[(position * concepts)..<((position + 1) * concepts)]))
                    }
                }
            }
            for row in held { folds[label.repeatIndex][row] = Int32(label.fold) }
            tasks.append(RunDescription.TaskRecord(
                repeatIndex: label.repeatIndex, fold: label.fold, worker: result.worker,
                duration: .milliseconds(Int64((result.seconds * 1000).rounded()))))
        }
        let outOfFold = (0..<repeats).map { r in
            OutOfFoldPredictions(repeatIndex: r, folds: folds[r], scores: scores[r], conceptCount: concepts)
        }
        return .success((outOfFold, tasks))
    }

    /// The predictions file of `outOfFold` (one entry per section, in order), or nil when its size
    /// would overflow.
    static func predictionsWrite(_ outOfFold: [OutOfFoldPredictions], of active: ActiveJob) -> PredictionsWrite? {
        predictionsWrite(of: active, sections: outOfFold.count) { header, buffer in
            for (section, predictions) in outOfFold.enumerated() {
                PredictionsFile.write(predictions, asSection: section, of: header, into: buffer)
            }
        }
    }

    /// A predictions file of `sections` sections of the job's evaluated rows: the header, then
    /// `fillSections`; nil when its size would overflow.
    static func predictionsWrite(
        of active: ActiveJob, sections: Int,
        _ fillSections: @escaping @Sendable (PredictionsFile.Header, UnsafeMutableRawBufferPointer) throws(JobStoreError) -> Void
    ) -> PredictionsWrite? {
        let header = PredictionsFile.Header(
            rows: (active.holdout ?? active.dataset).rowCount, concepts: active.dataset.conceptCount, repeats: sections)
        return PredictionsFile.size(rows: header.rows, concepts: header.concepts, repeats: sections).map { size in
            PredictionsWrite(size: size) { buffer throws(JobStoreError) in
                PredictionsFile.writeHeader(header, into: buffer)
                try fillSections(header, buffer)
            }
        }
    }
}
