import Datasets
import Testing

@Suite struct HoldoutAlignmentTests {
    private let training = Dataset(featureCount: 1, features: [1, 2, 3], concepts: ["bird", "cat", "dog"],
                                   labels: [1, 0, 0, 0, 1, 0, 0, 0, 1], ids: ["a", "b", "c"], isMultiLabel: false)

    private func holdout(_ concepts: [String], _ labels: [UInt8], features: Int = 1, multiLabel: Bool = false) -> Dataset {
        let rows = labels.count / concepts.count
        return Dataset(featureCount: features, features: [Float](repeating: 0.5, count: rows * features), concepts: concepts,
                       labels: labels, ids: (0..<rows).map(String.init), isMultiLabel: multiLabel)
    }

    private func alignmentError(_ dataset: Dataset) -> DatasetError? {
        do {
            _ = try DatasetValidator.alignHoldout(dataset, file: "h.csv", to: training, trainingFile: "t.csv")
            return nil
        } catch {
            return error
        }
    }

    @Test func reordersColumnsToTheTrainingConcepts() throws {
        let aligned = try DatasetValidator.alignHoldout(holdout(["cat", "dog"], [0, 1, 1, 0]), file: "h.csv",
                                                        to: training, trainingFile: "t.csv")
        #expect(aligned.concepts == ["bird", "cat", "dog"])
        #expect(aligned.labels == [0, 0, 1, 0, 1, 0])
        #expect(!aligned.isMultiLabel)
    }

    @Test func refusesOtherFeatureCounts() {
        #expect(alignmentError(holdout(["cat"], [1], features: 2))?.description
            == "h.csv: the holdout has 2 features but t.csv has 1 (rule dataset-mismatch). "
            + "Give a holdout with the same features, in the same order, as the training dataset.")
    }

    @Test func refusesConceptsTheModelNeverSaw() {
        #expect(alignmentError(holdout(["cat", "cow", "emu"], [0, 1, 0, 0, 0, 1]))?.description
            == "h.csv: concept \"cow\" (and 1 more) is not in t.csv (rule dataset-mismatch). "
            + "A model only predicts the concepts it was trained on; remove or rename the holdout's other concepts.")
    }

    @Test func refusesMultiLabelHoldoutForExclusiveTraining() {
        #expect(alignmentError(holdout(["cat", "dog"], [1, 1], multiLabel: true))?.message
            == "the holdout is multi-label but t.csv has exclusive concepts (one per input)")
    }

    @Test func refusesEmptyHoldouts() {
        let empty = Dataset(featureCount: 1, features: [], concepts: [], labels: [], ids: [], isMultiLabel: false)
        #expect(alignmentError(empty)?.rule == .empty)
    }
}
