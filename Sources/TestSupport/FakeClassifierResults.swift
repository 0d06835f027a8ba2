import Evaluation
import Folds
import Foundation

/// A realistic classifier evaluation, as Clarifai returns it with every heavy field: four
/// exclusive concepts, deterministic scores from a seeded generator, per-concept binary metrics
/// with 101-point ROC (thresholds 1.00 → 0.00) and precision-recall (0.00 → 1.00) curves, the
/// average-probability confusion matrix, the co-occurrence matrix, label counts, the per-input
/// test set and the macro summary. The numbers are computed from the scores, so they agree with
/// each other the way a real evaluation's do.
public enum FakeClassifierResults {
    /// The concepts, in label order.
    public static let concepts = ["cat", "dog", "bird", "fish"]
    /// Clarifai's threshold grid, ascending.
    public static let grid: [Double] = (0...100).map { Double($0) / 100 }

    /// The evaluation the fake server serves (seed 7, 25 inputs per concept), computed once.
    public static let standard = evalMetrics()

    /// The full evaluation (status 21300, no id); `inputsPerConcept` labelled inputs per concept.
    public static func evalMetrics(seed: UInt64 = 7, inputsPerConcept: Int = 25) -> EvalMetrics {
        let (labels, scores) = sample(seed: seed, inputsPerConcept: inputsPerConcept)
        var metrics = EvalMetrics()
        metrics.status = EvalStatus(code: EvalStatus.evaluated, description: "Model was successfully evaluated.")
        let binary = concepts.indices.map { binaryMetrics(concept: $0, labels: labels, scores: scores) }
        metrics.binaryMetrics = binary
        metrics.summary = summary(binary, labels: labels, scores: scores)
        metrics.confusionMatrix = confusionMatrix(labels: labels, scores: scores)
        metrics.cooccurrenceMatrix = CooccurrenceMatrix(
            // Exclusive concepts: an input co-occurs only with its own concept.
            matrix: concepts.indices.map { index in
                CooccurrenceMatrixEntry(row: concepts[index], col: concepts[index], count: labels.count { $0 == index })
            },
            conceptIDs: concepts
        )
        metrics.labelCounts = LabelDistribution(positiveLabelCounts: concepts.indices.map { index in
            LabelCount(concept: concept(index), count: labels.count { $0 == index })
        })
        metrics.testSet = labels.indices.map { row in
            let predicted = concepts.indices.sorted { scores[row][$0] > scores[row][$1] }
                .map { Concept(id: concepts[$0], name: concepts[$0], value: scores[row][$0]) }
            return EvalTestSetEntry(input: EvalInput(id: String(format: "input-%03d", row)),
                                    predictedConcepts: predicted,
                                    groundTruthConcepts: [Concept(id: concepts[labels[row]], name: concepts[labels[row]], value: 1)])
        }
        metrics.metricsByClass = []
        return metrics
    }

    // MARK: - Scores

    /// Labels (concept index per input) and softmax scores (one row per input).
    static func sample(seed: UInt64, inputsPerConcept: Int) -> ([Int], [[Double]]) {
        var generator = SplitMix64(seed: seed)
        var labels: [Int] = []
        var scores: [[Double]] = []
        for label in concepts.indices {
            for _ in 0..<inputsPerConcept {
                let logits = concepts.indices.map { ($0 == label ? 1.8 : 0) + generator.nextGaussian() }
                let exponentials = logits.map { exp($0) }
                let total = exponentials.reduce(0, +)
                labels.append(label)
                // Four decimals, as a float32 score would print.
                scores.append(exponentials.map { ($0 / total * 10_000).rounded() / 10_000 })
            }
        }
        return (labels, scores)
    }

    static func binaryMetrics(concept index: Int, labels: [Int], scores: [[Double]]) -> BinaryMetrics {
        let positives = labels.indices.filter { labels[$0] == index }.map { scores[$0][index] }
        let negatives = labels.indices.filter { labels[$0] != index }.map { scores[$0][index] }
        let p = Double(positives.count), n = Double(negatives.count)
        var metrics = BinaryMetrics()
        metrics.concept = concept(index)
        metrics.numPos = positives.count
        metrics.numNeg = negatives.count
        metrics.numTot = labels.count
        var wins = 0.0
        for positive in positives {
            for negative in negatives { wins += positive > negative ? 1 : (positive == negative ? 0.5 : 0) }
        }
        metrics.rocAuc = wins / (p * n)
        metrics.avgPrecision = averagePrecision(positives: positives, negatives: negatives)
        let descending = Array(grid.reversed())
        metrics.rocCurve = ROCCurve(
            fpr: descending.map { t in Double(negatives.count { $0 >= t }) / n },
            tpr: descending.map { t in Double(positives.count { $0 >= t }) / p },
            thresholds: descending
        )
        let precision = grid.map { t -> Double in
            let predicted = positives.count { $0 >= t } + negatives.count { $0 >= t }
            return predicted == 0 ? 1 : Double(positives.count { $0 >= t }) / Double(predicted)
        }
        metrics.precisionRecallCurve = PrecisionRecallCurve(
            recall: grid.map { t in Double(positives.count { $0 >= t }) / p }, precision: precision, thresholds: grid
        )
        let recallAtHalf = Double(positives.count { $0 >= 0.5 }) / p
        let precisionAtHalf = precision[50]
        metrics.f1 = precisionAtHalf + recallAtHalf == 0 ? 0 : 2 * precisionAtHalf * recallAtHalf / (precisionAtHalf + recallAtHalf)
        return metrics
    }

    /// scikit-learn's average precision: Σ (Rₖ − Rₖ₋₁) Pₖ over distinct thresholds, descending.
    static func averagePrecision(positives: [Double], negatives: [Double]) -> Double {
        let thresholds = Set(positives + negatives).sorted(by: >)
        var previousRecall = 0.0, total = 0.0
        for t in thresholds {
            let truePositives = Double(positives.count { $0 >= t })
            let predicted = truePositives + Double(negatives.count { $0 >= t })
            let recall = truePositives / Double(positives.count)
            total += (recall - previousRecall) * (truePositives / predicted)
            previousRecall = recall
        }
        return total
    }

    static func summary(_ binary: [BinaryMetrics], labels: [Int], scores: [[Double]]) -> MetricsSummary {
        let aucs = binary.compactMap(\.rocAuc), f1s = binary.compactMap(\.f1)
        var summary = MetricsSummary()
        summary.macroAvgRocAuc = mean(aucs)
        summary.macroStdRocAuc = sampleStd(aucs)
        summary.macroAvgF1Score = mean(f1s)
        summary.macroStdF1Score = sampleStd(f1s)
        summary.macroAvgPrecision = mean(binary.compactMap { $0.precisionRecallCurve?.precision?[50] })
        summary.macroAvgRecall = mean(binary.compactMap { $0.precisionRecallCurve?.recall?[50] })
        summary.top1Accuracy = Double(labels.indices.count { row in scores[row].indices.max { scores[row][$0] < scores[row][$1] } == labels[row] })
            / Double(labels.count)
        return summary
    }

    static func confusionMatrix(labels: [Int], scores: [[Double]]) -> ConfusionMatrix {
        var entries: [ConfusionMatrixEntry] = []
        for actual in concepts.indices {
            let rows = labels.indices.filter { labels[$0] == actual }
            for predicted in concepts.indices {
                let value = mean(rows.map { scores[$0][predicted] })
                var entry = ConfusionMatrixEntry(predicted: concepts[predicted], actual: concepts[actual], value: value)
                entry.predictedConcept = concept(predicted)
                entry.actualConcept = concept(actual)
                entries.append(entry)
            }
        }
        // Clarifai's published example lists concept_ids in label order (docs/RESULTS.md).
        return ConfusionMatrix(matrix: entries, conceptIDs: concepts)
    }

    static func concept(_ index: Int) -> Concept {
        Concept(id: concepts[index], name: concepts[index])
    }

    private static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    private static func sampleStd(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let average = mean(values)
        return (values.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
    }
}

/// Folds' SplitMix64, seeded, so the fake's numbers never change.
extension SplitMix64 {
    /// A standard normal draw (Box-Muller).
    mutating func nextGaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
