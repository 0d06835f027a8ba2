import Datasets

/// A learner whose fit depends on its training rows only through statistics that add: counts and
/// sums. Its K folds can then be fitted from one pass over the data: the statistics of every fold's
/// held-out rows (a partition), and each fold's training statistics as the sum of the other
/// partitions' (`PartitionSums`), instead of K passes over (K−1)/K of the rows.
///
/// The pass streams through the rows in order, adding each row into its partition's statistics
/// (`partitionStatistics`), a chunk of rows per thread (`FoldPartitions.chunks`); reading every
/// partition's rows on its own would sweep the whole dataset K times at a stride.
protocol AdditiveLearner: Learner {
    associatedtype Statistics: Sendable

    /// The statistics of `view`'s rows. Throws what `fit` would for rows it cannot learn.
    func statistics(_ view: RowView, cancellation: FoldCancellation) throws(LearnerError) -> Statistics

    /// The statistics of each partition's rows among `rows` (one per partition, in partition order),
    /// from one sweep through `rows` in order. Throws what `fit` would for rows it cannot learn.
    func partitionStatistics(
        _ dataset: Dataset, rows: Range<Int>, of partitions: FoldPartitions, cancellation: FoldCancellation
    ) throws(LearnerError) -> [Statistics]

    /// The statistics of two disjoint sets of rows together.
    func adding(_ a: Statistics, _ b: Statistics) -> Statistics

    /// About how many bytes one `Statistics` of `dataset` holds, to bound what a worker keeps.
    func statisticsBytes(_ dataset: Dataset) -> Int

    /// The model the statistics of its training rows give.
    func fit(_ statistics: Statistics, dataset: Dataset) throws(LearnerError) -> any FittedModel
}

extension AdditiveLearner {
    func fit(_ training: RowView, cancellation: FoldCancellation) throws(LearnerError) -> any FittedModel {
        try fit(statistics(training, cancellation: cancellation), dataset: training.dataset)
    }

    /// Whether folds of `partitions` are fitted from partition sums: when the sums stay within
    /// `PartitionStatisticsMemo.largestSums`. A function of the plan and the dataset's shape only, so
    /// every worker fits a fold the same way.
    func fitsFromSums(_ partitions: FoldPartitions, dataset: Dataset) -> Bool {
        sumsBytes(partitions, dataset: dataset) <= PartitionStatisticsMemo.largestSums
    }

    func sumsBytes(_ partitions: FoldPartitions, dataset: Dataset) -> Int {
        2 * partitions.folds * statisticsBytes(dataset)
    }

    /// Fits fold `fold` of `partitions` from the partitions' sums. The first fold of a repeat to
    /// arrive starts the pass; folds that arrive meanwhile take the chunks of rows not started yet
    /// and wait for the rest; `memo` keeps the sums for the later folds (without a memo, this fold
    /// makes the whole pass).
    func fit(
        fold: Int, of partitions: FoldPartitions, dataset: Dataset, lanes: Int, memo: PartitionStatisticsMemo?, key: String,
        cancellation: FoldCancellation
    ) throws(LearnerError) -> any FittedModel {
        let chunks = partitions.chunks(statisticsBytes: statisticsBytes(dataset))
        let make = { PartitionWork<[Statistics], PartitionSums<Statistics>>(count: chunks.count) }
        let work = memo?.work(for: partitions.identity + "/" + key, bytes: sumsBytes(partitions, dataset: dataset), make: make)
            ?? make()
        let sums = try work.result(lanes: lanes, cancellation: cancellation) { parts in
            PartitionSums(chunks: parts, adding: adding)
        } compute: { chunk throws(LearnerError) in
            try partitionStatistics(dataset, rows: chunks[chunk], of: partitions, cancellation: cancellation)
        }
        return try fit(sums.excluding(fold, adding: adding), dataset: dataset)
    }
}

/// The statistics of every partition of a plan's repeat, kept as prefix and suffix sums so that any
/// fold's training statistics (all partitions but one) take one addition, always the same one.
struct PartitionSums<Statistics: Sendable>: Sendable {
    /// `prefix[p]`: partitions `0...p` added in order.
    let prefix: [Statistics]
    /// `suffix[p]`: partitions `p..<K` added in order from `p`.
    let suffix: [Statistics]

    /// From every chunk's statistics of every partition (`chunks[i][p]`): a partition's are its
    /// chunks' added in chunk order.
    init(chunks: [[Statistics]], adding: (Statistics, Statistics) -> Statistics) {
        let parts = chunks[0].indices.map { p in chunks.dropFirst().reduce(chunks[0][p]) { adding($0, $1[p]) } }
        self.init(parts, adding: adding)
    }

    init(_ parts: [Statistics], adding: (Statistics, Statistics) -> Statistics) {
        let k = parts.count
        var prefix = [parts[0]]
        for p in 1..<k { prefix.append(adding(prefix[p - 1], parts[p])) }
        var suffix = [parts[k - 1]]
        for p in stride(from: k - 2, through: 0, by: -1) { suffix.append(adding(parts[p], suffix[suffix.count - 1])) }
        self.prefix = prefix
        self.suffix = Array(suffix.reversed())
    }

    /// The statistics of every partition but `fold`: `prefix[fold − 1] + suffix[fold + 1]`.
    func excluding(_ fold: Int, adding: (Statistics, Statistics) -> Statistics) -> Statistics {
        let k = prefix.count
        if fold == 0 { return suffix[1] }
        if fold == k - 1 { return prefix[k - 2] }
        return adding(prefix[fold - 1], suffix[fold + 1])
    }
}
