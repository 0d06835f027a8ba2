/// `logistic`: one binary L2-regularised logistic regression per concept (one-vs-rest), right for
/// multi-label and exclusive concepts alike.
///
/// Each concept minimises scikit-learn's objective `0.5·||w||² + C·Σ log-loss` (intercept not
/// penalised), scaled by `1/(C·n)` as scikit-learn does so `tol` means the same. Every concept has its
/// own L-BFGS minimizer, but one pass over the rows serves all of them: the scores of all active
/// concepts come from one sgemm per block, their gradients from another. A concept stops when its own
/// minimizer does, and later passes carry only the concepts still running. A large view starts from a
/// pilot fit on one training row in 8 (`PilotFit`).
///
/// A concept with no positive (or no negative) training row gets a constant probability, its training
/// frequency smoothed by half a row: `(positives + 0.5) / (rows + 1)`.
struct LogisticLearner: Learner {
    let settings: LinearSettings

    func fit(_ training: RowView, cancellation: FoldCancellation) throws(LearnerError) -> any FittedModel {
        let dataset = training.dataset
        let n = training.count
        guard n > 0 else { throw LearnerError(.trainingFailed, "logistic: the training view has no rows") }
        let d = dataset.featureCount
        let conceptCount = dataset.conceptCount

        var positives = [Int](repeating: 0, count: conceptCount)
        dataset.labels.withUnsafeBufferPointer { labels in
            for row in training.rows {
                for c in 0..<conceptCount where labels[row * conceptCount + c] != 0 { positives[c] += 1 }
            }
        }
        let trained = (0..<conceptCount).filter { positives[$0] > 0 && positives[$0] < n }
        let constants = (0..<conceptCount).filter { positives[$0] == 0 || positives[$0] == n }.map {
            ConstantProbability.smoothedFrequency(concept: $0, positives: positives[$0], rows: n)
        }

        let scaling = settings.standardize ? FeatureScaling.standardizing(training) : nil
        let width = d + (settings.fitIntercept ? 1 : 0)
        var minimizers = trained.map { _ in
            LBFGS(
                start: [Double](repeating: 0, count: width), gradientTolerance: settings.tolerance,
                maxIterations: settings.maxIterations
            )
        }
        if !trained.isEmpty {
            if let pilot = PilotFit(training, settings: settings) {
                let objective = OneVsRestObjective(
                    view: pilot.view, scaling: scaling, intercept: settings.fitIntercept,
                    inverseRegularization: pilot.inverseRegularization, concepts: trained
                )
                try objective.minimize(&minimizers, cancellation: cancellation)
                minimizers = minimizers.map(LBFGS.init(continuing:))
            }
            let objective = OneVsRestObjective(
                view: training, scaling: scaling, intercept: settings.fitIntercept,
                inverseRegularization: settings.inverseRegularization, concepts: trained
            )
            try objective.minimize(&minimizers, cancellation: cancellation)
        }

        var weights: [Float] = []
        weights.reserveCapacity(width * trained.count)
        for minimizer in minimizers { weights.append(contentsOf: minimizer.point.map { Float($0) }) }
        return LinearModel(
            featureCount: dataset.featureCount,
            scaling: scaling, intercept: settings.fitIntercept, weights: weights, columnConcepts: trained,
            constants: constants, conceptCount: conceptCount, link: .sigmoid
        )
    }
}

/// The one-vs-rest objective of many concepts at once, each at its own weights.
struct OneVsRestObjective: ~Copyable {
    private let pass: LinearPass
    private let count: Int
    private let featureCount: Int
    private let lambda: Double
    /// `concepts × rows` 0/1 targets by view position, so a block's targets of a concept are contiguous.
    private let targets: [UInt8]
    /// Per thread: one block's per-element losses.
    private let losses: UnsafeMutablePointer<Float>
    private let blockRows: Int

    /// `concepts`: the dataset concepts the objective's columns stand for.
    init(view: RowView, scaling: FeatureScaling?, intercept: Bool, inverseRegularization: Double, concepts: [Int]) {
        pass = LinearPass(
            view: view, transform: scaling.map(RowTransform.scaled) ?? .raw, intercept: intercept,
            maxColumns: concepts.count
        )
        count = view.count
        featureCount = view.dataset.featureCount
        lambda = 1 / (inverseRegularization * Double(view.count))
        let conceptCount = view.dataset.conceptCount
        var targets = [UInt8](repeating: 0, count: concepts.count * view.count)
        view.dataset.labels.withUnsafeBufferPointer { labels in
            for (position, row) in view.rows.enumerated() {
                for (column, concept) in concepts.enumerated() {
                    targets[column * view.count + position] = labels[row * conceptCount + concept] != 0 ? 1 : 0
                }
            }
        }
        self.targets = targets
        blockRows = pass.gatherer.blockRows
        losses = .allocate(capacity: pass.lanes * blockRows)
    }

    deinit { losses.deallocate() }

    /// Runs every minimizer of `minimizers` (one per concept, in `concepts` order) until all have
    /// stopped, one pass per round for those still running, checking `cancellation` between passes.
    func minimize(_ minimizers: inout [LBFGS], cancellation: FoldCancellation) throws(LearnerError) {
        while true {
            try cancellation.check()
            let active = minimizers.indices.filter { minimizers[$0].status == .running }
            if active.isEmpty { return }
            let results = evaluate(active.map { (column: $0, weights: minimizers[$0].trial) })
            for (index, result) in zip(active, results) {
                minimizers[index].receive(value: result.value, gradient: result.gradient)
            }
        }
    }

    /// Mean loss plus penalty, and its gradient, for each `(column, weights)`; `column` indexes the
    /// concepts the objective was made with.
    func evaluate(_ problems: [(column: Int, weights: [Double])]) -> [(value: Double, gradient: [Double])] {
        let a = problems.count
        let width = pass.width
        var w = [Float](repeating: 0, count: a * width)
        for (k, problem) in problems.enumerated() {
            for j in 0..<width { w[k * width + j] = Float(problem.weights[j]) }
        }
        let gradient = UnsafeMutablePointer<Double>.allocate(capacity: a * width)
        let loss = UnsafeMutablePointer<Double>.allocate(capacity: a)
        defer {
            gradient.deallocate()
            loss.deallocate()
        }
        let columns = problems.map(\.column)
        let n = count
        let losses = losses
        let blockRows = blockRows
        targets.withUnsafeBufferPointer { targets in
            w.withUnsafeBufferPointer { w in
                guard let weights = w.baseAddress, let targets = targets.baseAddress else { return }
                pass.run(weights: weights, columns: a, gradient: gradient, loss: loss) { positions, scores, blockLoss, lane in
                    let rows = positions.count
                    let scratch = losses + lane * blockRows
                    for k in 0..<a {
                        let z = scores + k * rows
                        LogisticMath.binaryLoss(
                            scoresToResiduals: z, targets: targets + columns[k] * n + positions.lowerBound,
                            loss: scratch, count: rows
                        )
                        blockLoss[k] = LogisticMath.sum(scratch, count: rows)
                    }
                }
            }
        }

        let total = Double(n)
        return problems.enumerated().map { k, problem in
            var penalty: Double = 0
            var g = [Double](repeating: 0, count: width)
            for j in 0..<width {
                g[j] = gradient[k * width + j] / total
                if j < featureCount {
                    penalty += problem.weights[j] * problem.weights[j]
                    g[j] += lambda * problem.weights[j]
                }
            }
            return (loss[k] / total + 0.5 * lambda * penalty, g)
        }
    }
}
