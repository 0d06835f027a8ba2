import Datasets

/// The fold of every row of a dataset in one repeat of a plan: the partitions a learner that fits
/// from additive statistics sums once and reuses for every fold (`AdditiveLearner`).
///
/// A fold's training statistics are then the sum of the other partitions' statistics, added in
/// partition order (through the prefix and suffix sums `PartitionSums` keeps), so they are the same
/// bits whichever worker fits the fold and whichever folds it fitted before.
public struct FoldPartitions: Sendable {
    /// Number of folds in the plan (at most 256: one byte per row).
    public let folds: Int
    /// `rowFolds[i]` is the fold of row `i`.
    public let rowFolds: [UInt8]
    /// Names these partitions of this dataset in `PartitionStatisticsMemo`: the dataset's identity
    /// given by the caller, and the SHA-256 of `rowFolds`.
    public let identity: String

    /// Plans with more folds than this are fitted fold by fold (one byte per row holds the fold).
    public static let maximumFolds = 256

    /// - Parameter dataset: what identifies the dataset the rows belong to (its content hash).
    public init(folds: Int, rowFolds: [UInt8], dataset: String) {
        self.folds = folds
        self.rowFolds = rowFolds
        self.identity = dataset + "/" + SHA256Hasher.hash(rowFolds)
    }

    /// The partitions of a plan's repeat from its fold of every row (`FoldPlan.assignments[r]`), or
    /// nil for a plan of more than `maximumFolds` folds (fitted fold by fold).
    public init?(folds: Int, assignments: [Int32], dataset: String) {
        guard let bytes = Self.rowFolds(folds: folds, assignments: assignments) else { return nil }
        self.init(folds: folds, rowFolds: bytes, dataset: dataset)
    }

    /// The fold of every row as one byte each, as a task carries it, or nil past `maximumFolds`.
    public static func rowFolds(folds: Int, assignments: [Int32]) -> [UInt8]? {
        guard folds <= maximumFolds else { return nil }
        return assignments.map { UInt8(truncatingIfNeeded: $0) }
    }

    /// Rows per chunk of the streaming pass at least (`chunks`), so a chunk's fixed costs stay small.
    static let chunkRows = 16_384

    /// Chunks of rows in order, the parts of the pass that fits every fold (`AdditiveLearner`):
    /// enough for the threads of the folds computing together, at most 16, each holding one
    /// statistics of `statisticsBytes` per partition, and no more than 64 MiB of them altogether. A
    /// function of the row count, the folds and the statistics' size only, so every worker sums the
    /// same chunks in the same order.
    func chunks(statisticsBytes: Int) -> [Range<Int>] {
        let rows = rowFolds.count
        let byMemory = (64 << 20) / max(1, folds * statisticsBytes)
        let count = max(1, min(16, rows / Self.chunkRows, byMemory))
        return (0..<count).map { i in (rows * i / count)..<(rows * (i + 1) / count) }
    }

    /// Whether these partitions describe the fold whose held-out rows are `testRows` of a dataset of
    /// `rowCount` rows: one entry per row, every fold below `folds`, and `testRows` exactly the rows
    /// of `fold`. A task whose partitions do not match is fitted from its own training rows.
    func match(fold: Int, testRows: [Int], rowCount: Int) -> Bool {
        guard folds >= 2, folds <= Self.maximumFolds, fold >= 0, fold < folds, rowFolds.count == rowCount else {
            return false
        }
        let target = UInt8(truncatingIfNeeded: fold)
        var next = 0
        for (i, f) in rowFolds.enumerated() {
            guard Int(f) < folds else { return false }
            if f == target {
                guard next < testRows.count, testRows[next] == i else { return false }
                next += 1
            }
        }
        return next == testRows.count
    }
}
