#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Datasets

/// `naive-bayes`: Gaussian naive Bayes as scikit-learn's `GaussianNB`.
///
/// Per class, every feature is a normal distribution with the class's mean and (population)
/// variance, plus `var_smoothing` times the largest variance of any feature over all training rows.
/// Priors are the classes' training frequencies; posteriors come from the log joint likelihoods by
/// log-sum-exp, in double precision.
/// - Exclusive concepts: one class per concept seen in training; unseen concepts get probability 0.
/// - Multi-label concepts: one binary Gaussian naive Bayes per concept (its positive rows against its
///   negative rows), so each probability stands alone. A concept with no positive (or no negative)
///   training row gets its smoothed training frequency `(positives + 0.5) / (rows + 1)`.
///
/// The log likelihoods are summed feature by feature rather than through an expanded sgemm form,
/// which would cancel catastrophically in single precision when features sit far from their means.
struct NaiveBayesLearner: AdditiveLearner {
    let varianceSmoothing: Double

    static let parameters: [LearnerParameter] = [
        LearnerParameter(
            key: "var_smoothing", domain: .real(lowerBound: 0, inclusive: true), defaultValue: "1e-9",
            meaning: "fraction of the largest feature variance added to every variance, for stability"
        ),
    ]

    func statistics(_ training: RowView, cancellation: FoldCancellation) throws(LearnerError) -> ClassStatistics {
        try ClassStatistics(training, centre: ClassStatistics.centre(of: training.dataset), exclusive: !training.dataset.isMultiLabel)
    }

    func partitionStatistics(
        _ dataset: Dataset, rows: Range<Int>, of partitions: FoldPartitions, cancellation: FoldCancellation
    ) throws(LearnerError) -> [ClassStatistics] {
        try ClassStatistics.partitions(
            dataset, rows: rows, of: partitions, centre: ClassStatistics.centre(of: dataset), exclusive: !dataset.isMultiLabel)
    }

    func adding(_ a: ClassStatistics, _ b: ClassStatistics) -> ClassStatistics { a.adding(b) }

    func statisticsBytes(_ dataset: Dataset) -> Int {
        8 * (4 * dataset.featureCount + dataset.conceptCount * (1 + 2 * dataset.featureCount)) + 128
    }

    func fit(_ statistics: ClassStatistics, dataset: Dataset) throws(LearnerError) -> any FittedModel {
        let n = statistics.rowCount
        guard n > 0 else { throw LearnerError(.trainingFailed, "naive-bayes: the training view has no rows") }
        let c = dataset.conceptCount
        let d = dataset.featureCount
        let exclusive = !dataset.isMultiLabel

        let largestVariance = (0..<d).map { statistics.totalVariance($0) }.max() ?? 0
        let epsilon = varianceSmoothing * largestVariance
        var classes = GaussianClasses(featureCount: d)
        var constants: [ConstantProbability] = []
        var scored: [Int] = []
        for k in 0..<c {
            let positives = statistics.counts[k]
            let negatives = n - positives
            if exclusive {
                guard positives > 0 else {
                    constants.append(ConstantProbability(concept: k, probability: 0))
                    continue
                }
                classes.append(statistics.positiveMoments(k), count: positives, of: n, epsilon: epsilon)
            } else {
                guard positives > 0, negatives > 0 else {
                    constants.append(.smoothedFrequency(concept: k, positives: positives, rows: n))
                    continue
                }
                classes.append(statistics.positiveMoments(k), count: positives, of: n, epsilon: epsilon)
                classes.append(statistics.negativeMoments(k), count: negatives, of: n, epsilon: epsilon)
            }
            scored.append(k)
        }
        return NaiveBayesModel(classes: classes, scored: scored, constants: constants, conceptCount: c, exclusive: exclusive)
    }
}

struct NaiveBayesModel: FittedModel {
    /// Exclusive: one class per scored concept. Multi-label: a positive and a negative class per scored
    /// concept, in that order.
    let classes: GaussianClasses
    let scored: [Int]
    let constants: [ConstantProbability]
    let conceptCount: Int
    let exclusive: Bool

    /// Rows per unit of parallel work.
    static let blockRows = 1024

    func predict(_ view: RowView, cancellation: FoldCancellation) throws(LearnerError) -> [Float] {
        precondition(
            view.dataset.featureCount == classes.featureCount && view.dataset.conceptCount == conceptCount,
            "a model predicts rows of datasets shaped like its training dataset"
        )
        let c = conceptCount
        let d = classes.featureCount
        var out = [Float](repeating: 0, count: view.count * c)
        guard view.count > 0 else { return out }
        ConstantProbability.fill(constants, rows: view.count, conceptCount: c, into: &out)
        guard !scored.isEmpty else { return out }
        let lanes = view.lanes
        let classCount = classes.count
        let joints = UnsafeMutablePointer<Double>.allocate(capacity: lanes * classCount)
        defer { joints.deallocate() }
        let blocks = (view.count + Self.blockRows - 1) / Self.blockRows
        view.dataset.features.withUnsafeBufferPointer { x in
            view.rows.withUnsafeBufferPointer { rows in
                out.withUnsafeMutableBufferPointer { out in
                    guard let x = x.baseAddress, let out = out.baseAddress else { return }
                    BlockRunner.run(blocks: blocks, lanes: lanes) { block, lane in
                        let joint = joints + lane * classCount
                        let start = block * Self.blockRows
                        for position in start..<min(rows.count, start + Self.blockRows) {
                            classes.logJoint(x + rows[position] * d, into: joint)
                            posterior(joint, into: out + position * c)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Turns one row's log joint likelihoods into the probabilities of the scored concepts.
    private func posterior(_ joint: UnsafeMutablePointer<Double>, into out: UnsafeMutablePointer<Float>) {
        if exclusive {
            var top = -Double.infinity
            for k in 0..<classes.count { top = max(top, joint[k]) }
            guard top.isFinite else {
                // Every class rules the row out (zero variances with var_smoothing=0): no preference.
                for concept in scored { out[concept] = Float(1 / Double(scored.count)) }
                return
            }
            var sum: Double = 0
            for k in 0..<classes.count { sum += exp(joint[k] - top) }
            let logSum = top + log(sum)
            for (k, concept) in scored.enumerated() { out[concept] = Float(exp(joint[k] - logSum)) }
        } else {
            for (k, concept) in scored.enumerated() {
                var margin = joint[2 * k] - joint[2 * k + 1]
                if margin.isNaN { margin = 0 }
                out[concept] = Float(margin >= 0 ? 1 / (1 + exp(-margin)) : exp(margin) / (1 + exp(margin)))
            }
        }
    }
}
