import CBLAS

/// How `RowGatherer` transforms each row on its way into a block buffer.
enum RowTransform: Sendable {
    /// Copied as stored.
    case raw
    /// `(x - mean) * inverseScale`, feature by feature.
    case scaled(FeatureScaling)
    /// Divided by its Euclidean norm; a zero row stays zero.
    case unitNorm
}

/// Copies the rows of a view, a block at a time, into a caller's buffer: the training and test views
/// of a fold are never copied whole, only one block per thread (about 512 KiB) at a time.
///
/// A block holds up to `blockRows` rows of `width` floats: the transformed features, then a 1 when
/// `appendsOne` (the intercept column). Blocks are a fixed function of the view and the width, never
/// of the thread count, so sums taken block by block and added in block order come out the same on
/// every run.
struct RowGatherer: Sendable {
    let view: RowView
    let transform: RowTransform
    let appendsOne: Bool
    let featureCount: Int
    /// Floats per buffered row: `featureCount`, plus 1 with `appendsOne`.
    let width: Int
    let blockRows: Int

    /// Rows per block for rows of `width` floats: about 512 KiB, so a block stays in a core's L2 cache
    /// while the two matrix products of a pass read it.
    static func blockRows(width: Int) -> Int {
        min(4096, max(64, (128 * 1024) / max(1, width)))
    }

    /// Rows fetched ahead of the one being copied; a few rows hide most of the latency of the gaps.
    static let prefetchDistance = 4

    /// Asks the cache for every 64-byte line of the row of `featureCount` floats at `row`.
    @inline(__always)
    static func prefetch(_ row: UnsafePointer<Float>, featureCount: Int) {
        let start = UnsafeRawPointer(row)
        var offset = 0
        while offset < featureCount * MemoryLayout<Float>.stride {
            crossfold_prefetch(start + offset)
            offset += 64
        }
    }

    init(view: RowView, transform: RowTransform, appendsOne: Bool = false, blockRows: Int? = nil) {
        self.view = view
        self.transform = transform
        self.appendsOne = appendsOne
        self.featureCount = view.dataset.featureCount
        self.width = featureCount + (appendsOne ? 1 : 0)
        self.blockRows = blockRows ?? Self.blockRows(width: width)
    }

    /// Number of blocks covering the view.
    var blockCount: Int { (view.count + blockRows - 1) / blockRows }

    /// Positions (indices into `view.rows`) of block `block`.
    func positions(ofBlock block: Int) -> Range<Int> {
        let start = block * blockRows
        return start..<min(view.count, start + blockRows)
    }

    /// Writes the rows at `positions` of the view into `buffer` (`positions.count × width` floats,
    /// row-major; room for `blockRows` rows).
    func gather(_ positions: Range<Int>, into buffer: UnsafeMutablePointer<Float>) {
        precondition(positions.count <= blockRows, "a block holds at most blockRows rows")
        let d = featureCount
        let w = width
        let ahead = Self.prefetchDistance
        view.dataset.features.withUnsafeBufferPointer { x in
            guard let source = x.baseAddress else { return }
            view.rows.withUnsafeBufferPointer { rows in
                let end = rows.count
                @inline(__always) func prefetch(_ position: Int) {
                    guard position + ahead < end else { return }
                    Self.prefetch(source + rows[position + ahead] * d, featureCount: d)
                }
                switch transform {
                case .raw:
                    for (slot, position) in positions.enumerated() {
                        prefetch(position)
                        (buffer + slot * w).update(from: source + rows[position] * d, count: d)
                    }
                case .scaled(let scaling):
                    scaling.mean.withUnsafeBufferPointer { mean in
                        scaling.inverseScale.withUnsafeBufferPointer { inverse in
                            for (slot, position) in positions.enumerated() {
                                prefetch(position)
                                let src = source + rows[position] * d
                                let dst = buffer + slot * w
                                for j in 0..<d { dst[j] = (src[j] - mean[j]) * inverse[j] }
                            }
                        }
                    }
                case .unitNorm:
                    for (slot, position) in positions.enumerated() {
                        prefetch(position)
                        Self.normalize(source + rows[position] * d, into: buffer + slot * w, count: d)
                    }
                }
                if appendsOne {
                    for slot in 0..<positions.count { buffer[slot * w + d] = 1 }
                }
            }
        }
    }

    /// Writes `src / ||src||` to `dst` (zeros for a zero row). Squares are summed in double precision
    /// in eight interleaved sums (feature j into sum j mod 8), added in a fixed order at the end: one
    /// running sum made every row wait out 128 dependent additions, which was most of a centroid
    /// fit's time.
    static func normalize(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        var lanes = SIMD8<Double>()
        var j = 0
        while j + 8 <= count {
            let raw = UnsafeRawPointer(src + j).loadUnaligned(as: SIMD8<Float>.self)
            let wide = SIMD8<Double>(raw)
            lanes += wide * wide
            j += 8
        }
        var sum = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
        while j < count {
            sum += Double(src[j]) * Double(src[j])
            j += 1
        }
        let inverse: Float = sum > 0 ? Float(1 / sum.squareRoot()) : 0
        for j in 0..<count { dst[j] = src[j] * inverse }
    }
}
