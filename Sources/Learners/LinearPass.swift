/// One pass over a training view for a linear model with weights `W` (`columns × width`, one row per
/// concept or class): block by block, scores `Sᵀ = W·Xᵀ` through sgemm, an elementwise step that turns
/// the scores into residuals `R` in place and reports its loss, then the gradient `R·X` through sgemm.
///
/// Blocks run on the fold's threads (`BlockRunner`); every block's loss and gradient are kept apart
/// and added to double-precision totals in block order, so the result depends neither on the number
/// of threads nor on how many blocks a round holds. Memory: per thread one gathered block (about
/// 512 KiB) and its scores; the partial gradients of one round of blocks (at most about 8 MiB).
struct LinearPass: ~Copyable {
    let gatherer: RowGatherer
    /// Columns of `X` and `W`: the feature count, plus 1 for the intercept column.
    let width: Int
    let maxColumns: Int
    /// Threads the buffers are sized for; a pass uses `view.lanes` of them unless `lanes` was fixed.
    let lanes: Int
    private let fixedLanes: Bool
    private let blockRows: Int
    private let blocks: UnsafeMutablePointer<Float>
    private let scores: UnsafeMutablePointer<Float>
    private let partialGradients: UnsafeMutablePointer<Float>
    private let partialLosses: UnsafeMutablePointer<Double>
    /// Blocks whose partial results are held before they are added up.
    private let roundBlocks: Int

    init(view: RowView, transform: RowTransform, intercept: Bool, maxColumns: Int, lanes: Int? = nil) {
        gatherer = RowGatherer(view: view, transform: transform, appendsOne: intercept)
        width = gatherer.width
        self.maxColumns = max(1, maxColumns)
        self.lanes = max(1, lanes ?? view.threads)
        fixedLanes = lanes != nil
        blockRows = gatherer.blockRows
        blocks = .allocate(capacity: self.lanes * blockRows * width)
        scores = .allocate(capacity: self.lanes * blockRows * self.maxColumns)
        let gradientBytes = self.maxColumns * width * MemoryLayout<Float>.stride
        roundBlocks = min(256, max(4 * self.lanes, (8 << 20) / gradientBytes))
        partialGradients = .allocate(capacity: roundBlocks * self.maxColumns * width)
        partialLosses = .allocate(capacity: roundBlocks * self.maxColumns)
    }

    deinit {
        blocks.deallocate()
        scores.deallocate()
        partialGradients.deallocate()
        partialLosses.deallocate()
    }

    /// Runs the pass with `weights` (`columns × width`, row-major).
    ///
    /// `residuals(positions, S, loss, lane)` receives the view positions of a block and its scores
    /// (`columns × positions.count`, row-major: each column's scores contiguous); it must overwrite
    /// them with the residuals and write each column's loss over the block to `loss[0..<columns]`.
    /// It is called from several threads at once, for different blocks; `lane` (below `lanes`)
    /// identifies the thread for scratch space. On return `gradient` (`columns × width`) holds
    /// `Σ_blocks R·X` and `loss` (`columns`) the summed losses.
    func run(
        weights: UnsafePointer<Float>, columns: Int,
        gradient: UnsafeMutablePointer<Double>, loss: UnsafeMutablePointer<Double>,
        residuals: (Range<Int>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Double>, Int) -> Void
    ) {
        precondition(columns >= 1 && columns <= maxColumns, "columns within the pass's capacity")
        let width = width
        let blockRows = blockRows
        gradient.update(repeating: 0, count: columns * width)
        loss.update(repeating: 0, count: columns)
        let blockCount = gatherer.blockCount
        let passLanes = fixedLanes ? lanes : min(lanes, gatherer.view.lanes)
        var roundStart = 0
        while roundStart < blockCount {
            let roundCount = min(roundBlocks, blockCount - roundStart)
            BlockRunner.run(blocks: roundCount, lanes: passLanes) { local, lane in
                let positions = gatherer.positions(ofBlock: roundStart + local)
                let rows = positions.count
                let x = blocks + lane * blockRows * width
                let s = scores + lane * blockRows * maxColumns
                gatherer.gather(positions, into: x)
                MatrixProduct.multiply(
                    weights, lda: width, x, transposeB: true, ldb: width, into: s, ldc: rows,
                    m: columns, n: rows, k: width
                )
                residuals(positions, s, partialLosses + local * columns, lane)
                MatrixProduct.multiply(
                    s, lda: rows, x, ldb: width, into: partialGradients + local * columns * width, ldc: width,
                    m: columns, n: width, k: rows
                )
            }
            for local in 0..<roundCount {
                let partial = partialGradients + local * columns * width
                for i in 0..<(columns * width) { gradient[i] += Double(partial[i]) }
                for k in 0..<columns { loss[k] += partialLosses[local * columns + k] }
            }
            roundStart += roundCount
        }
    }
}
