import Datasets
import Learners
import Wire

/// Runs one task on the calling (compute) thread: takes its datasets from the cache, trains and
/// predicts with exactly the fold task the local evaluation uses (or runs the user's program for
/// `--model command`, `CommandFold`), and says how it went.
enum FoldRunner {
    /// - Parameters:
    ///   - threads: the most threads the fold's passes use; `available` says how many at each pass
    ///     (`FoldThreads`).
    ///   - memo: the per-fold sums of the repeats this process has seen (`PartitionStatisticsMemo`).
    ///   - cancellation: set when the coordinator cancels the task; the fold stops at its next check
    ///     (a command's program is killed with its process group).
    ///   - scratchRoot: where a command task's fold directory is made.
    static func run(
        _ assignment: TaskAssignment, testRows: [Int32], cache: DatasetCache, threads: Int,
        available: (@Sendable () -> Int)? = nil, memo: PartitionStatisticsMemo? = nil,
        cancellation: FoldCancellation = FoldCancellation(), scratchRoot: String = "/tmp"
    ) -> TaskOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        func seconds() -> Double { (clock.now - started).seconds }

        let training: Dataset
        do {
            training = try cache.acquire(assignment.dataset)
        } catch {
            return .datasetUnavailable(assignment.dataset, reason: error.description)
        }
        defer { cache.release(assignment.dataset) }
        let spec = LearnerSpec(model: assignment.model, params: assignment.params, seed: assignment.seed)

        if let holdoutHash = assignment.holdout {
            let holdout: Dataset
            do {
                holdout = try cache.acquire(holdoutHash)
            } catch {
                return .datasetUnavailable(holdoutHash, reason: error.description)
            }
            defer { cache.release(holdoutHash) }
            let aligned: Dataset
            do {
                aligned = try DatasetValidator.alignHoldout(
                    holdout, file: "holdout \(holdoutHash.prefix(12))", to: training,
                    trainingFile: "dataset \(assignment.dataset.prefix(12))")
            } catch {
                // The coordinator checked the pair before accepting the job; the same check
                // failing here is not something a retry elsewhere would change.
                return .failed(.learner, message: error.description, seconds: seconds())
            }
            if spec.model == LearnerCatalog.commandModel {
                return command(
                    CommandFoldFiles(
                        training: training, trainRows: Array(0..<training.rowCount), test: aligned,
                        testRows: Array(0..<aligned.rowCount), repeatIndex: 0, fold: 0, seed: spec.seed, threads: threads),
                    spec: spec, scratchRoot: scratchRoot, cancellation: cancellation, seconds: seconds)
            }
            return outcome(seconds) { () throws(LearnerError) in
                try FoldTask.runHoldout(
                    training: training, test: aligned, spec: spec, threads: threads, available: available,
                    cancellation: cancellation)
            }
        }

        let test = testRows.map { Int($0) }
        let train = complement(of: test, rowCount: training.rowCount)
        if spec.model == LearnerCatalog.commandModel {
            guard test.allSatisfy({ (0..<training.rowCount).contains($0) }) else {
                return .failed(.learner, message: "a test row is outside the dataset's \(training.rowCount) rows (a coordinator "
                    + "fault; report it)", seconds: seconds())
            }
            return command(
                CommandFoldFiles(
                    training: training, trainRows: train, test: training, testRows: test, repeatIndex: assignment.repeatIndex,
                    fold: assignment.fold, seed: spec.seed, threads: threads),
                spec: spec, scratchRoot: scratchRoot, cancellation: cancellation, seconds: seconds)
        }
        var partitions: FoldPartitions?
        if let folds = assignment.partitionFolds, let rowFolds = assignment.rowFolds {
            partitions = FoldPartitions(folds: folds, rowFolds: rowFolds, dataset: assignment.dataset)
        }
        return outcome(seconds) { () throws(LearnerError) in
            try FoldTask.run(
                dataset: training, trainRows: train, testRows: test, repeatIndex: assignment.repeatIndex,
                fold: assignment.fold, spec: spec, threads: threads, available: available, partitions: partitions,
                memo: memo, cancellation: cancellation)
        }
    }

    /// A learner's refusal or failure is deterministic (kind `learner`: retrying elsewhere gives the
    /// same); the coordinator fails the job with its message. A stopped fold is not: it is `internal`,
    /// should its outcome ever be sent (the core discards the outcome of a task it stopped).
    private static func outcome(
        _ seconds: () -> Double, _ body: () throws(LearnerError) -> FoldPredictions
    ) -> TaskOutcome {
        do {
            let predictions = try body()
            return .succeeded(
                scores: predictions.scores, rows: predictions.rows.count, concepts: predictions.conceptCount,
                seconds: seconds())
        } catch {
            return .failed(error.kind == .cancelled ? .internal : .learner, message: error.description, seconds: seconds())
        }
    }

    /// A command task: parameters the coordinator should have refused fail the job (`learner`); a
    /// failed run of the program is retried elsewhere (`internal`, `CommandFailure`).
    private static func command(
        _ files: CommandFoldFiles, spec: LearnerSpec, scratchRoot: String, cancellation: FoldCancellation,
        seconds: () -> Double
    ) -> TaskOutcome {
        let settings: CommandSettings
        do {
            settings = try CommandSettings(spec)
        } catch {
            return .failed(.learner, message: error.description, seconds: seconds())
        }
        do {
            let scores = try CommandFold.run(files, settings: settings, scratchRoot: scratchRoot, cancellation: cancellation)
            return .succeeded(
                scores: scores, rows: files.testRows.count, concepts: files.training.conceptCount, seconds: seconds())
        } catch {
            return .failed(.internal, message: error.description, seconds: seconds())
        }
    }

    /// The rows not in `test`, increasing. Out-of-range test rows are left for `FoldTask` to refuse.
    static func complement(of test: [Int], rowCount: Int) -> [Int] {
        var held = [Bool](repeating: false, count: rowCount)
        for row in test where row >= 0 && row < rowCount { held[row] = true }
        var train: [Int] = []
        train.reserveCapacity(max(0, rowCount - test.count))
        for row in 0..<rowCount where !held[row] { train.append(row) }
        return train
    }
}
