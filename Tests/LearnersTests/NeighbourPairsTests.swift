import Datasets
import Dispatch
@testable import Learners
import Testing
import TestSupport

/// `knn` folds predicted from pairs compared once for all folds (`NeighbourPairs`): the same bits
/// whichever folds ran before, on however many threads, with or without the memo, after a cancelled
/// fold; the same neighbours as each fold on its own.
@Suite struct NeighbourPairsTests {
    static let folds = FoldSumsTests.folds
    /// Five folds of two chunks each (`NeighbourPairs.chunkRows` is 512 for 520 features), one of
    /// them short, and few enough rows for a debug build.
    static let chunked = SyntheticData.overlapping(rows: 5 * 580 + 3, features: 520, classes: 3)
    static let small = SyntheticData.overlapping(rows: 1_400, features: 40, classes: 3)
    /// Rows repeated many times: equal similarities everywhere, so ties decide the neighbours.
    static let repeated: Dataset = {
        let base = SyntheticData.overlapping(rows: 60, features: 8, classes: 3)
        let rows = 900
        let features = (0..<rows).flatMap { row in (0..<8).map { base.features[(row % 60) * 8 + $0] } }
        let labels = (0..<rows).flatMap { row in (0..<3).map { base.labels[(row % 60) * 3 + $0] } }
        return Dataset(
            featureCount: 8, features: features, concepts: base.concepts, labels: labels,
            ids: (0..<rows).map { "r\($0)" }, isMultiLabel: false)
    }()

    enum Shape: String, CaseIterable, CustomTestStringConvertible {
        case chunked, small, repeated
        var dataset: Dataset {
            switch self {
            case .chunked: NeighbourPairsTests.chunked
            case .small: NeighbourPairsTests.small
            case .repeated: NeighbourPairsTests.repeated
            }
        }
        var testDescription: String { rawValue }
    }

    static let specs = [
        LearnerSpec(model: "knn", params: ["k": "10"]),
        LearnerSpec(model: "knn", params: ["k": "7", "weights": "distance"]),
    ]

    static func run(
        _ spec: LearnerSpec, _ dataset: Dataset, fold: Int, partitions: FoldPartitions?, memo: PartitionStatisticsMemo?,
        threads: Int = 1, cancellation: FoldCancellation = FoldCancellation()
    ) throws -> [UInt32] {
        try FoldSumsTests.run(
            spec, dataset, fold: fold, partitions: partitions, memo: memo, threads: threads, cancellation: cancellation)
    }

    /// The same bits alone, through one memo backwards on three threads, and all folds at once
    /// (`FoldSumsTests.everyWayGivesTheSameBits`, which runs any learner's folds these ways).
    @Test(arguments: specs, Shape.allCases)
    func everyWayOfRunningTheFoldsGivesTheSameBits(spec: LearnerSpec, shape: Shape) async throws {
        try await ExclusiveTests.run {
            try await DedicatedThread.run { try FoldSumsTests.everyWayGivesTheSameBits(spec: spec, dataset: shape.dataset) }
        }
    }

    /// The pairs give each fold the neighbours its own brute-force prediction finds: the same scores
    /// (the similarities may differ in the last bit, where the products group rows differently).
    @Test(arguments: Shape.allCases)
    func pairsGiveTheNeighboursOfEachFoldOnItsOwn(shape: Shape) async throws {
        try await ExclusiveTests.run {
            try await DedicatedThread.run {
                let dataset = shape.dataset
                for spec in Self.specs {
                    for fold in 0..<Self.folds {
                        let paired = try Self.run(spec, dataset, fold: fold, partitions: FoldSumsTests.partitions(dataset), memo: nil)
                        let own = try Self.run(spec, dataset, fold: fold, partitions: nil, memo: nil)
                        let worst = zip(paired, own).map { abs(Float(bitPattern: $0) - Float(bitPattern: $1)) }.max() ?? 0
                        #expect(worst < 1e-4, "\(spec.params) fold \(fold): largest difference \(worst)")
                    }
                }
            }
        }
    }

    /// All folds through one memo compare each pair of rows once: every tile once; a fold alone
    /// computes only the tiles it is in.
    @Test func foldsSharingTheMemoComputeEachTileOnce() throws {
        let dataset = Self.chunked
        let spec = Self.specs[0]
        let partitions = FoldSumsTests.partitions(dataset)
        let memo = PartitionStatisticsMemo()
        DispatchQueue.concurrentPerform(iterations: Self.folds) { fold in
            _ = try? Self.run(spec, dataset, fold: fold, partitions: partitions, memo: memo, threads: 2)
        }
        let key = partitions.identity + "/" + spec.memoKey
        let shared = memo.work(for: key, bytes: 0) { NeighbourPairs(partitions: partitions, featureCount: 520, neighbours: 0) }
        // Two chunks per fold: 10 pairs of folds × 4 tiles.
        #expect(shared.tileCount == 40 && shared.computedTiles.load(ordering: .relaxed) == 40)

        let alone = NeighbourPairs(partitions: partitions, featureCount: 520, neighbours: 10)
        _ = try alone.neighbours(of: 3, in: dataset, lanes: 2, cancellation: FoldCancellation())
        #expect(alone.tileCount(of: 3) == 16 && alone.computedTiles.load(ordering: .relaxed) == 16)
    }

    @Test func aFoldCancelledMidwayLeavesItsTilesForTheNext() throws {
        let dataset = Self.small
        let spec = Self.specs[0]
        let partitions = FoldSumsTests.partitions(dataset)
        let alone = try (0..<Self.folds).map { try Self.run(spec, dataset, fold: $0, partitions: partitions, memo: nil) }
        let memo = PartitionStatisticsMemo()
        #expect {
            try Self.run(spec, dataset, fold: 2, partitions: partitions, memo: memo, cancellation: FoldCancellation(cancellingAtCheck: 3))
        } throws: { ($0 as? LearnerError)?.kind == .cancelled }
        for fold in 0..<Self.folds {
            #expect(try Self.run(spec, dataset, fold: fold, partitions: partitions, memo: memo) == alone[fold])
        }
    }

    /// k above the other folds' rows: every other row is a neighbour, as on the fold's own.
    @Test func moreNeighboursThanTrainingRowsTakesThemAll() throws {
        let dataset = SyntheticData.overlapping(rows: 23, features: 5, classes: 2)
        let spec = LearnerSpec(model: "knn", params: ["k": "100"])
        let partitions = FoldSumsTests.partitions(dataset)
        for fold in 0..<Self.folds {
            let paired = try Self.run(spec, dataset, fold: fold, partitions: partitions, memo: nil).map { Float(bitPattern: $0) }
            let own = try Self.run(spec, dataset, fold: fold, partitions: nil, memo: nil).map { Float(bitPattern: $0) }
            #expect(zip(paired, own).allSatisfy { abs($0 - $1) < 1e-6 })
        }
    }

    @Test func largeKOrWideListsPredictEveryFoldOnItsOwn() throws {
        let dataset = Self.small
        let partitions = FoldSumsTests.partitions(dataset)
        let learner = NearestNeighboursLearner(neighbours: NeighbourPairs.largestShared, weighting: .uniform)
        #expect(learner.sharesPairs(partitions, dataset: dataset))
        #expect(!NearestNeighboursLearner(neighbours: NeighbourPairs.largestShared + 1, weighting: .uniform)
            .sharesPairs(partitions, dataset: dataset))
        let spec = LearnerSpec(model: "knn", params: ["k": "\(NeighbourPairs.largestShared + 1)"])
        let with = try Self.run(spec, dataset, fold: 1, partitions: partitions, memo: PartitionStatisticsMemo())
        #expect(with == (try Self.run(spec, dataset, fold: 1, partitions: nil, memo: nil)))
    }

    @Test func partitionsThatDisagreeWithTheTestRowsAreRefused() {
        let dataset = Self.small
        var rowFolds = FoldSumsTests.partitions(dataset).rowFolds
        rowFolds[3] = rowFolds[3] == 0 ? 1 : 0
        let wrong = FoldPartitions(folds: Self.folds, rowFolds: rowFolds, dataset: "d")
        #expect {
            try Self.run(Self.specs[0], dataset, fold: 0, partitions: wrong, memo: nil)
        } throws: { error in
            (error as? LearnerError)?.kind == .invalidTask && "\(error)".contains("does not agree with its test rows")
        }
    }

    /// The memo counts each row's list and fold place and each tile: 2 chunks a fold, 40 tiles.
    @Test func theMemoCountsListsRowsAndTiles() {
        let partitions = FoldSumsTests.partitions(Self.chunked)
        #expect(NeighbourPairs.bytes(partitions, featureCount: 520, neighbours: 10) == 2_903 * (10 * 8 + 8) + 40 * 64)
        // A dataset of many narrow chunks (wide rows) is predicted fold by fold rather than hold
        // hundreds of MiB of tile states.
        let wide = FoldPartitions(folds: 5, rowFolds: (0..<1_500_000).map { UInt8($0 % 5) }, dataset: "d")
        #expect(NeighbourPairs.bytes(wide, featureCount: 4_096, neighbours: 1) > PartitionStatisticsMemo.largestSums)
    }

    @Test func chunksDependOnTheFeatureCountOnly() {
        #expect(NeighbourPairs.chunkRows(featureCount: 6) == 4_096)
        #expect(NeighbourPairs.chunkRows(featureCount: 520) == 512)
        #expect(NeighbourPairs.chunkRows(featureCount: 128) == 2_048)
        #expect(NeighbourPairs.chunkRows(featureCount: 100_000) == NeighbourPairs.productColumns)
        #expect((1...2_000).allSatisfy { NeighbourPairs.chunkRows(featureCount: $0) % NeighbourPairs.productColumns == 0 })
    }
}
