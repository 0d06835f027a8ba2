/// `--split random`: shuffled K-fold, scikit-learn `KFold(shuffle=True)` semantics.
///
/// The rows are permuted with the repeat's generator and cut into consecutive parts: fold `f` takes
/// the next `n / K` rows of the permutation, plus one for the first `n % K` folds.
struct RandomSplitter: FoldSplitter {
    let rowCount: Int
    let folds: Int

    func assign(using random: inout SeededRandom) -> [Int32] {
        let order = random.permutation(of: rowCount)
        var fold = [Int32](repeating: 0, count: rowCount)
        var start = 0
        for (f, size) in balancedPartSizes(count: rowCount, folds: folds).enumerated() {
            for position in start..<(start + size) { fold[order[position]] = Int32(f) }
            start += size
        }
        return fold
    }
}
