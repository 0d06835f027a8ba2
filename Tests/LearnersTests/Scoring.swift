import Datasets

/// Plain reference metrics for the assertions: ROC AUC by pair counting and argmax accuracy.
enum Scoring {
    /// ROC AUC of concept `concept` over `rows` of `dataset` with `scores` (row-major, one row per
    /// entry of `rows`): the fraction of (positive, negative) pairs ranked correctly, ties counting half.
    static func auc(_ scores: [Float], rows: [Int], dataset: Dataset, concept: Int) -> Double {
        let c = dataset.conceptCount
        var positives: [Float] = []
        var negatives: [Float] = []
        for (i, row) in rows.enumerated() {
            let score = scores[i * c + concept]
            if dataset.isPositive(row: row, concept: concept) { positives.append(score) } else { negatives.append(score) }
        }
        guard !positives.isEmpty, !negatives.isEmpty else { return .nan }
        var correct: Double = 0
        for p in positives {
            for n in negatives {
                if p > n { correct += 1 } else if p == n { correct += 0.5 }
            }
        }
        return correct / Double(positives.count * negatives.count)
    }

    /// Fraction of `rows` whose highest-scoring concept is a positive one.
    static func accuracy(_ scores: [Float], rows: [Int], dataset: Dataset) -> Double {
        let c = dataset.conceptCount
        var hits = 0
        for (i, row) in rows.enumerated() {
            var best = 0
            for k in 1..<c where scores[i * c + k] > scores[i * c + best] { best = k }
            if dataset.isPositive(row: row, concept: best) { hits += 1 }
        }
        return Double(hits) / Double(rows.count)
    }
}
