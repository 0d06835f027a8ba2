/// A fitted linear model (`logistic` or `softmax`): per-feature scaling, a weight matrix and the link
/// that turns scores into probabilities.
struct LinearModel: FittedModel {
    enum Link: Sendable {
        /// Independent sigmoid per column (one-vs-rest).
        case sigmoid
        /// Softmax across the columns (multinomial).
        case softmax
    }

    let featureCount: Int
    let scaling: FeatureScaling?
    let intercept: Bool
    /// `columnConcepts.count × (featureCount + intercept)`, row-major: one row of weights per concept.
    let weights: [Float]
    /// The concept each weight row scores.
    let columnConcepts: [Int]
    /// Concepts without weights and their constant probability.
    let constants: [ConstantProbability]
    let conceptCount: Int
    let link: Link

    func predict(_ view: RowView, cancellation: FoldCancellation) throws(LearnerError) -> [Float] {
        precondition(
            view.dataset.featureCount == featureCount && view.dataset.conceptCount == conceptCount,
            "a model predicts rows of datasets shaped like its training dataset"
        )
        let c = conceptCount
        var out = [Float](repeating: 0, count: view.count * c)
        guard view.count > 0 else { return out }
        ConstantProbability.fill(constants, rows: view.count, conceptCount: c, into: &out)
        let columns = columnConcepts.count
        guard columns > 0 else { return out }
        let gatherer = RowGatherer(
            view: view, transform: scaling.map(RowTransform.scaled) ?? .raw, appendsOne: intercept
        )
        let width = gatherer.width
        let blockRows = gatherer.blockRows
        let lanes = view.lanes
        let blocks = UnsafeMutablePointer<Float>.allocate(capacity: lanes * blockRows * width)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: lanes * blockRows * columns)
        defer {
            blocks.deallocate()
            scores.deallocate()
        }
        let link = link
        let columnConcepts = columnConcepts
        weights.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { out in
                guard let w = w.baseAddress, let out = out.baseAddress else { return }
                BlockRunner.run(blocks: gatherer.blockCount, lanes: lanes) { block, lane in
                    let positions = gatherer.positions(ofBlock: block)
                    let x = blocks + lane * blockRows * width
                    let s = scores + lane * blockRows * columns
                    gatherer.gather(positions, into: x)
                    MatrixProduct.multiply(
                        x, lda: width, w, transposeB: true, ldb: width, into: s, ldc: columns,
                        m: positions.count, n: columns, k: width
                    )
                    switch link {
                    case .sigmoid: LogisticMath.sigmoid(s, count: positions.count * columns)
                    case .softmax: LogisticMath.softmaxRows(s, rows: positions.count, columns: columns)
                    }
                    for (slot, position) in positions.enumerated() {
                        for (column, concept) in columnConcepts.enumerated() {
                            out[position * c + concept] = s[slot * columns + column]
                        }
                    }
                }
            }
        }
        return out
    }
}

/// A concept a model does not score and the probability it gives every row instead: a concept with
/// no positive (or, for binary models, no negative) training row.
struct ConstantProbability: Sendable, Equatable {
    let concept: Int
    let probability: Float

    /// The training frequency smoothed by half a row, `(positives + 0.5) / (rows + 1)`: near 0 for a
    /// concept never seen, near 1 for one seen on every row, never exactly either.
    static func smoothedFrequency(concept: Int, positives: Int, rows: Int) -> ConstantProbability {
        ConstantProbability(concept: concept, probability: Float((Double(positives) + 0.5) / Double(rows + 1)))
    }

    static func fill(_ constants: [ConstantProbability], rows: Int, conceptCount: Int, into out: inout [Float]) {
        guard !constants.isEmpty else { return }
        for row in 0..<rows {
            for constant in constants { out[row * conceptCount + constant.concept] = constant.probability }
        }
    }
}
