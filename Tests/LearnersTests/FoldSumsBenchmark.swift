import Datasets
import Folds
import Foundation
@testable import Learners
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// What fitting every fold of a repeat from per-fold sums costs against one ordinary fit, for
/// docs/PERFORMANCE.md: the process's CPU time for the K fits of a repeat fitted fold by fold, and
/// for the K fits from one streaming pass (`AdditiveLearner`), on the same rows and folds.
///
/// In the suite it runs at 2,000 rows, only to keep working (the suite's other tests share the
/// process's CPU time). The figures come from a run of its own, in a release build:
/// `CROSSFOLD_BENCHMARK_ROWS=1000000 swift test -c release -Xswiftc -enable-testing --filter FoldSumsBenchmark`
/// (docs/benchmarks/fold-sums.sh).
@Suite(.serialized) struct FoldSumsBenchmark {
    static let rows = ProcessInfo.processInfo.environment["CROSSFOLD_BENCHMARK_ROWS"].flatMap { Int($0) } ?? 2_000
    static let (features, concepts, folds, threads) = (128, 10, 5, 2)

    /// `rows × 128` values, 10 exclusive concepts, each concept's rows shifted along a direction of
    /// their own; rows in folds at random.
    static let data: (dataset: Dataset, partitions: FoldPartitions) = {
        var random = SplitMix64(seed: 11)
        func uniform() -> Float { Float(random.next() >> 40) / Float(1 << 24) }
        var values = [Float](repeating: 0, count: rows * features)
        var labels = [UInt8](repeating: 0, count: rows * concepts)
        var rowFolds = [UInt8](repeating: 0, count: rows)
        for row in 0..<rows {
            let concept = Int(random.next() % UInt64(concepts))
            labels[row * concepts + concept] = 1
            rowFolds[row] = UInt8(random.next() % UInt64(folds))
            for j in 0..<features { values[row * features + j] = uniform() - 0.5 + (j % concepts == concept ? 0.4 : 0) }
        }
        let dataset = Dataset(
            featureCount: features, features: values, concepts: (0..<concepts).map { "c\($0)" }, labels: labels,
            ids: (0..<rows).map { "r\($0)" }, isMultiLabel: false)
        return (dataset, FoldPartitions(folds: folds, rowFolds: rowFolds, dataset: "benchmark"))
    }()

    /// CPU seconds of the whole process, every thread.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// One heavy test at a time (`ExclusiveTests`), on a thread of its own (`DedicatedThread`), so it
    /// holds none of the cooperative pool's threads.
    @Test(arguments: ["centroid", "naive-bayes"])
    func everyFoldFromSumsAgainstOneFit(model: String) async throws {
        try await ExclusiveTests.run { try await DedicatedThread.run { try Self.measure(model: model) } }
    }

    static func measure(model: String) throws {
        let (dataset, partitions) = Self.data
        let learner = try #require(try LearnerCatalog.make(LearnerSpec(model: model)) as? any AdditiveLearner)
        let training = (0..<Self.folds).map { fold in
            (0..<Self.rows).filter { Int(partitions.rowFolds[$0]) != fold }
        }
        var (byFold, fromSums) = (Double.infinity, Double.infinity)
        // The best of three of each, alternating, so neither gains from running second.
        for _ in 0..<3 {
            var start = Self.cpuSeconds()
            for fold in 0..<Self.folds {
                _ = try learner.fit(
                    RowView(dataset: dataset, rows: training[fold], threads: Self.threads), cancellation: FoldCancellation())
            }
            byFold = min(byFold, Self.cpuSeconds() - start)
            start = Self.cpuSeconds()
            let memo = PartitionStatisticsMemo()
            for fold in 0..<Self.folds {
                _ = try learner.fit(
                    fold: fold, of: partitions, dataset: dataset, lanes: Self.threads, memo: memo, key: model,
                    cancellation: FoldCancellation())
            }
            fromSums = min(fromSums, Self.cpuSeconds() - start)
        }
        let oneFit = byFold / Double(Self.folds)
        print(
            "fold-sums \(model) rows=\(Self.rows): \(Self.folds) fits fold by fold \(String(format: "%.3f", byFold)) s CPU, "
                + "one fit \(String(format: "%.3f", oneFit)) s; all \(Self.folds) from sums \(String(format: "%.3f", fromSums)) s "
                + "= \(String(format: "%.2f", fromSums / oneFit))x one fit (target 1.5x)")
        #expect(byFold > 0 && fromSums > 0)
    }
}
