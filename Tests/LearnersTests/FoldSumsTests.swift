import Datasets
import Dispatch
@testable import Learners
import Synchronization
import Testing
import TestSupport

/// Folds fitted from per-fold sums (`AdditiveLearner`): the same bits whichever folds ran before, on
/// however many threads, with or without the memo, and the same model as a fit on the fold's own
/// rows up to rounding.
@Suite struct FoldSumsTests {
    static let folds = 5
    static let exclusive = SyntheticData.overlapping(rows: 1_400, features: 40, classes: 3)
    static let multiLabel = SyntheticData.multiLabel(rows: 900, concepts: 4, features: 12)
    /// Rows enough for three chunks of the streaming pass (`FoldPartitions.chunks`).
    static let chunked = SyntheticData.overlapping(rows: 3 * FoldPartitions.chunkRows + 77, features: 6, classes: 3)
    /// Test arguments by name: a dataset's description is its every value.
    enum Shape: String, CaseIterable, CustomTestStringConvertible {
        case exclusive, multiLabel, chunked
        var dataset: Dataset {
            switch self {
            case .exclusive: FoldSumsTests.exclusive
            case .multiLabel: FoldSumsTests.multiLabel
            case .chunked: FoldSumsTests.chunked
            }
        }
        var testDescription: String { rawValue }
    }

    static let specs = [LearnerSpec(model: "centroid"), LearnerSpec(model: "naive-bayes")]

    /// Row `i` in fold `i * 7 % 5`: every fold's rows spread over the dataset.
    static func partitions(_ dataset: Dataset, name: String = "d") -> FoldPartitions {
        FoldPartitions(
            folds: folds, rowFolds: (0..<dataset.rowCount).map { UInt8($0 * 7 % folds) }, dataset: name)
    }

    static func rows(_ dataset: Dataset, fold: Int) -> (train: [Int], test: [Int]) {
        let all = 0..<dataset.rowCount
        return (all.filter { $0 * 7 % folds != fold }, all.filter { $0 * 7 % folds == fold })
    }

    static func run(
        _ spec: LearnerSpec, _ dataset: Dataset, fold: Int, partitions: FoldPartitions?, memo: PartitionStatisticsMemo?,
        threads: Int = 1, cancellation: FoldCancellation = FoldCancellation()
    ) throws -> [UInt32] {
        let (train, test) = rows(dataset, fold: fold)
        return try FoldTask.run(
            dataset: dataset, trainRows: train, testRows: test, repeatIndex: 0, fold: fold, spec: spec, threads: threads,
            partitions: partitions, memo: memo, cancellation: cancellation
        ).scores.map(\.bitPattern)
    }

    /// One heavy test at a time (`ExclusiveTests`), on a thread of its own (`DedicatedThread`):
    /// seconds of compute that would hold one of the cooperative pool's two threads, and twelve
    /// such cases at once on threads of their own starved the suite's other tests.
    @Test(arguments: specs, Shape.allCases)
    func everyWayOfRunningTheFoldsGivesTheSameBits(spec: LearnerSpec, shape: Shape) async throws {
        try await ExclusiveTests.run {
            try await DedicatedThread.run { try Self.everyWayGivesTheSameBits(spec: spec, dataset: shape.dataset) }
        }
    }

    static func everyWayGivesTheSameBits(spec: LearnerSpec, dataset: Dataset) throws {
        let partitions = Self.partitions(dataset)
        let alone = try (0..<Self.folds).map { try Self.run(spec, dataset, fold: $0, partitions: partitions, memo: nil) }
        // One memo for all folds, run backwards on three threads.
        let memo = PartitionStatisticsMemo()
        for fold in (0..<Self.folds).reversed() {
            #expect(try Self.run(spec, dataset, fold: fold, partitions: partitions, memo: memo, threads: 3) == alone[fold])
        }
        // Folds at once, sharing the memo.
        let concurrent = Mutex([[UInt32]?](repeating: nil, count: Self.folds))
        let shared = PartitionStatisticsMemo()
        DispatchQueue.concurrentPerform(iterations: Self.folds) { fold in
            let bits = try? Self.run(spec, dataset, fold: fold, partitions: partitions, memo: shared, threads: 2)
            concurrent.withLock { $0[fold] = bits }
        }
        #expect(concurrent.withLock { $0 } == alone.map { Optional($0) })
    }

    @Test(arguments: specs, Shape.allCases)
    func sumsGiveTheModelOfTheFoldsOwnRows(spec: LearnerSpec, shape: Shape) async throws {
        try await ExclusiveTests.run {
            try await DedicatedThread.run { try Self.sumsGiveTheOwnRowsModel(spec: spec, dataset: shape.dataset) }
        }
    }

    static func sumsGiveTheOwnRowsModel(spec: LearnerSpec, dataset: Dataset) throws {
        for fold in 0..<Self.folds {
            let summed = try Self.run(spec, dataset, fold: fold, partitions: Self.partitions(dataset), memo: nil)
            let own = try Self.run(spec, dataset, fold: fold, partitions: nil, memo: nil)
            for (a, b) in zip(summed, own) {
                #expect(abs(Float(bitPattern: a) - Float(bitPattern: b)) < 1e-5)
            }
        }
    }

    @Test func otherLearnersIgnoreThePartitions() throws {
        let spec = LearnerSpec(model: "softmax")
        let dataset = Self.exclusive
        let with = try Self.run(spec, dataset, fold: 1, partitions: Self.partitions(dataset), memo: PartitionStatisticsMemo())
        #expect(with == (try Self.run(spec, dataset, fold: 1, partitions: nil, memo: nil)))
        #expect(["centroid", "naive-bayes", "knn"].allSatisfy(LearnerCatalog.sharesWorkAcrossFolds))
        #expect(!["softmax", "logistic", "nonsense"].contains(where: LearnerCatalog.sharesWorkAcrossFolds))
    }

    @Test func partitionsThatDisagreeWithTheTestRowsAreRefused() throws {
        let dataset = Self.exclusive
        var rowFolds = Self.partitions(dataset).rowFolds
        rowFolds[3] = rowFolds[3] == 0 ? 1 : 0
        let wrong = FoldPartitions(folds: Self.folds, rowFolds: rowFolds, dataset: "d")
        #expect {
            try Self.run(Self.specs[0], dataset, fold: 0, partitions: wrong, memo: nil)
        } throws: { error in
            (error as? LearnerError)?.kind == .invalidTask && "\(error)".contains("does not agree with its test rows")
        }
        let short = FoldPartitions(folds: Self.folds, rowFolds: Array(rowFolds.dropLast()), dataset: "d")
        #expect(throws: LearnerError.self) { try Self.run(Self.specs[1], dataset, fold: 0, partitions: short, memo: nil) }
    }

    @Test func chunksCoverTheRowsInOrderAndDependOnTheShapeOnly() {
        let rows = 3 * FoldPartitions.chunkRows + 77
        let partitions = FoldPartitions(folds: 5, rowFolds: [UInt8](repeating: 0, count: rows), dataset: "d")
        let chunks = partitions.chunks(statisticsBytes: 1_000)
        #expect(chunks.count == 3 && chunks.first?.lowerBound == 0 && chunks.last?.upperBound == rows)
        #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        // Statistics so large that one chunk's fill 64 MiB: a single chunk.
        #expect(partitions.chunks(statisticsBytes: 20 << 20).count == 1)
        #expect(FoldPartitions(folds: 2, rowFolds: [0, 1], dataset: "d").chunks(statisticsBytes: 8) == [0..<2])
    }

    static func sums(_ parts: [Int]) -> PartitionSums<Int> { PartitionSums(parts, adding: +) }

    @Test func foldsArrivingTogetherComputeEachPartitionOnce() throws {
        let work = PartitionWork<Int, PartitionSums<Int>>(count: 7)
        let computed = Mutex([Int](repeating: 0, count: 7))
        let results = Mutex([Int]())
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let sums = try? work.result(lanes: 2, cancellation: FoldCancellation(), combine: Self.sums) { p throws(LearnerError) in
                computed.withLock { $0[p] += 1 }
                var spin = 0
                for i in 0..<200_000 { spin &+= i }
                return p + (spin == 0 ? 1 : 0)
            }
            results.withLock { $0.append(sums.map { $0.excluding(2, adding: +) } ?? -1) }
        }
        #expect(computed.withLock { $0 } == [Int](repeating: 1, count: 7))
        #expect(results.withLock { $0 } == [Int](repeating: 0 + 1 + 3 + 4 + 5 + 6, count: 4))
    }

    @Test func aPartitionWhoseComputationFailedIsMadeByTheNextFold() throws {
        let work = PartitionWork<Int, PartitionSums<Int>>(count: 3)
        #expect(throws: LearnerError.self) {
            try work.result(lanes: 1, cancellation: FoldCancellation(), combine: Self.sums) { p throws(LearnerError) in
                if p == 1 { throw LearnerError(.cancelled, "stopped") }
                return p
            }
        }
        let attempted = Mutex([Int]())
        let sums = try work.result(lanes: 1, cancellation: FoldCancellation(), combine: Self.sums) { p throws(LearnerError) in
            attempted.withLock { $0.append(p) }
            return p * 10
        }
        // Partition 0 was kept; 1 failed and 2 was never started.
        #expect(attempted.withLock { $0 } == [1, 2])
        #expect(sums.excluding(0, adding: +) == 10 + 20 && sums.excluding(2, adding: +) == 0 + 10)
    }

    @Test func aCancelledFoldStopsBeforeItsNextPartition() {
        let work = PartitionWork<Int, PartitionSums<Int>>(count: 3)
        let cancellation = FoldCancellation()
        cancellation.cancel()
        #expect(throws: LearnerError(.cancelled, "the fold was cancelled before it finished")) {
            try work.result(lanes: 2, cancellation: cancellation, combine: Self.sums) { p throws(LearnerError) in p }
        }
    }

    @Test func theMemoKeepsWorkForLaterFoldsAndDropsTheOldestPastItsCapacity() {
        let memo = PartitionStatisticsMemo(capacity: 0)  // raised to largestSums
        let third = PartitionStatisticsMemo.largestSums / 3 + 1
        for key in ["a", "b", "c", "d"] { _ = memo.work(for: key, bytes: third) { key } }
        #expect(memo.work(for: "d", bytes: third) { "again" } == "d")
        #expect(memo.work(for: "a", bytes: third) { "again" } == "again")
    }
}
