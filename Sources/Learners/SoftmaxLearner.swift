/// `softmax`: multinomial logistic regression with L2, for exclusive concepts (one per row).
///
/// It minimises scikit-learn's multinomial objective `0.5·||W||² + C·Σ −log p(true concept)` over one
/// weight column per concept (intercepts not penalised) with one L-BFGS, scaled by `1/(C·n)`; a large
/// view starts from a pilot fit on one training row in 8 (`PilotFit`). Concepts
/// with no training row get probability 0; the others share probability 1 on every row.
struct SoftmaxLearner: Learner {
    let settings: LinearSettings

    func fit(_ training: RowView, cancellation: FoldCancellation) throws(LearnerError) -> any FittedModel {
        let dataset = training.dataset
        let n = training.count
        guard n > 0 else { throw LearnerError(.trainingFailed, "softmax: the training view has no rows") }
        let conceptCount = dataset.conceptCount

        // The one concept of every training row; softmax has no meaning for rows with none or several.
        var classOfRow = [Int32](repeating: 0, count: n)
        var positives = [Int](repeating: 0, count: conceptCount)
        for (position, row) in training.rows.enumerated() {
            var found = -1
            var count = 0
            for c in 0..<conceptCount where dataset.isPositive(row: row, concept: c) {
                found = c
                count += 1
            }
            guard count == 1 else {
                throw LearnerError(
                    .trainingFailed,
                    "softmax needs exactly one concept per row, but row \(row) (id \"\(dataset.ids[row])\") has "
                        + "\(count == 0 ? "no concept" : "\(count) concepts"); use --model logistic for multi-label data"
                )
            }
            classOfRow[position] = Int32(found)
            positives[found] += 1
        }
        let present = (0..<conceptCount).filter { positives[$0] > 0 }
        let absent = (0..<conceptCount).filter { positives[$0] == 0 }.map { ConstantProbability(concept: $0, probability: 0) }
        let scaling = settings.standardize ? FeatureScaling.standardizing(training) : nil
        let width = dataset.featureCount + (settings.fitIntercept ? 1 : 0)

        guard present.count > 1 else {
            // A single concept in training: it is certain.
            return LinearModel(
                featureCount: dataset.featureCount,
                scaling: scaling, intercept: settings.fitIntercept, weights: [], columnConcepts: [],
                constants: absent + present.map { ConstantProbability(concept: $0, probability: 1) },
                conceptCount: conceptCount, link: .softmax
            )
        }
        var columnOfConcept = [Int32](repeating: -1, count: conceptCount)
        for (column, concept) in present.enumerated() { columnOfConcept[concept] = Int32(column) }
        let targets = classOfRow.map { columnOfConcept[Int($0)] }

        var minimizer = LBFGS(
            start: [Double](repeating: 0, count: width * present.count), gradientTolerance: settings.tolerance,
            maxIterations: settings.maxIterations
        )
        if let pilot = PilotFit(training, settings: settings) {
            let objective = MultinomialObjective(
                view: pilot.view, scaling: scaling, intercept: settings.fitIntercept,
                inverseRegularization: pilot.inverseRegularization, classes: present.count,
                targets: pilot.positions.map { targets[$0] }
            )
            try objective.minimize(&minimizer, cancellation: cancellation)
            minimizer = LBFGS(continuing: minimizer)
        }
        let objective = MultinomialObjective(
            view: training, scaling: scaling, intercept: settings.fitIntercept,
            inverseRegularization: settings.inverseRegularization, classes: present.count, targets: targets
        )
        try objective.minimize(&minimizer, cancellation: cancellation)
        return LinearModel(
            featureCount: dataset.featureCount,
            scaling: scaling, intercept: settings.fitIntercept, weights: minimizer.point.map { Float($0) },
            columnConcepts: present, constants: absent, conceptCount: conceptCount, link: .softmax
        )
    }
}

/// The multinomial objective: mean cross-entropy plus penalty over a `classes × width` weight matrix.
struct MultinomialObjective: ~Copyable {
    private let pass: LinearPass
    private let count: Int
    private let featureCount: Int
    private let classes: Int
    private let lambda: Double
    /// Class of each view position.
    private let targets: [Int32]
    /// Per thread: `log Σ exp` and the running maximum of one block's rows.
    private let scratch: UnsafeMutablePointer<Float>
    private let blockRows: Int

    init(
        view: RowView, scaling: FeatureScaling?, intercept: Bool, inverseRegularization: Double, classes: Int,
        targets: [Int32]
    ) {
        pass = LinearPass(
            view: view, transform: scaling.map(RowTransform.scaled) ?? .raw, intercept: intercept,
            maxColumns: classes
        )
        count = view.count
        featureCount = view.dataset.featureCount
        self.classes = classes
        lambda = 1 / (inverseRegularization * Double(view.count))
        self.targets = targets
        blockRows = pass.gatherer.blockRows
        scratch = .allocate(capacity: pass.lanes * 2 * blockRows)
    }

    deinit { scratch.deallocate() }

    /// Runs `minimizer` on this objective until it stops, checking `cancellation` between passes.
    func minimize(_ minimizer: inout LBFGS, cancellation: FoldCancellation) throws(LearnerError) {
        while minimizer.status == .running {
            try cancellation.check()
            let result = evaluate(minimizer.trial)
            minimizer.receive(value: result.value, gradient: result.gradient)
        }
    }

    /// Value and gradient at `weights` (`classes × width`, row-major).
    func evaluate(_ weights: [Double]) -> (value: Double, gradient: [Double]) {
        let k = classes
        let width = pass.width
        let w = weights.map { Float($0) }
        let gradient = UnsafeMutablePointer<Double>.allocate(capacity: k * width)
        let loss = UnsafeMutablePointer<Double>.allocate(capacity: k)
        defer {
            gradient.deallocate()
            loss.deallocate()
        }
        let scratch = scratch
        let blockRows = blockRows
        targets.withUnsafeBufferPointer { targets in
            w.withUnsafeBufferPointer { w in
                guard let w = w.baseAddress else { return }
                pass.run(weights: w, columns: k, gradient: gradient, loss: loss) { positions, scores, blockLoss, lane in
                    let rows = positions.count
                    let logSumExp = scratch + lane * 2 * blockRows
                    // Each row's loss is log Σ exp(s) − s_true; take s_true before the softmax overwrites it.
                    var sum: Double = 0
                    for (slot, position) in positions.enumerated() {
                        sum -= Double(scores[Int(targets[position]) * rows + slot])
                    }
                    LogisticMath.softmaxColumns(
                        scores, classes: k, rows: rows, logSumExp: logSumExp, top: logSumExp + blockRows
                    )
                    sum += LogisticMath.sum(logSumExp, count: rows)
                    for (slot, position) in positions.enumerated() {
                        scores[Int(targets[position]) * rows + slot] -= 1
                    }
                    // The pass sums losses per column; the multinomial loss is one number, kept in column 0.
                    blockLoss[0] = sum
                    for c in 1..<k { blockLoss[c] = 0 }
                }
            }
        }
        var lossSum: Double = 0
        for c in 0..<k { lossSum += loss[c] }
        let n = Double(count)
        var penalty: Double = 0
        var g = [Double](repeating: 0, count: k * width)
        for c in 0..<k {
            for j in 0..<width {
                let index = c * width + j
                g[index] = gradient[index] / n
                if j < featureCount {
                    penalty += weights[index] * weights[index]
                    g[index] += lambda * weights[index]
                }
            }
        }
        return (lossSum / n + 0.5 * lambda * penalty, g)
    }
}
