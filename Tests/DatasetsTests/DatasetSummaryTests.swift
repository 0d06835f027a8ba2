import Datasets
import Testing

@Suite struct DatasetSummaryTests {
    @Test func rendersSizesConceptsHashAndWarnings() throws {
        let scratch = try Scratch()
        let path = try scratch.write("d.csv", exclusiveCSV(concepts: ["cat", "hippopotamus"], perConcept: 12))
        let dataset = try DatasetReader.load(path: path)
        let warnings = try DatasetValidator.validate(dataset, file: path)
        let summary = DatasetSummary(dataset: dataset, file: path, warnings: warnings)
        #expect(summary.sha256 == CanonicalDataset.sha256(of: dataset))
        #expect(summary.concepts == [.init(concept: "cat", positives: 12), .init(concept: "hippopotamus", positives: 12)])
        #expect(summary.groupCount == nil)
        #expect(summary.text == """
            file      \(path)
            rows      24
            features  2
            concepts  2, exclusive (one concept per input)
            sha256    \(summary.sha256)

            concept       positives
            cat                  12
            hippopotamus         12

            warning: concept "cat" has 12 positive inputs; Clarifai recommends at least 50. Its metrics will vary a lot from fold to fold; label more inputs with it.
            warning: concept "hippopotamus" has 12 positive inputs; Clarifai recommends at least 50. Its metrics will vary a lot from fold to fold; label more inputs with it.

            """)
    }

    @Test func showsMultiLabelInputsWithoutConceptsAndGroups() {
        let summary = DatasetSummary(dataset: sampleDataset(), file: "s.cfds", sha256: "abc")
        #expect(summary.rowsWithoutConcepts == 1)
        #expect(summary.groupCount == 2)
        #expect(summary.text == """
            file      s.cfds
            rows      3
            features  3
            concepts  3, multi-label (any number of concepts per input)
            unlabeled 1 inputs negative for every concept
            groups    2
            sha256    abc

            concept  positives
            cat              1
            dog              1
            é                1

            """)
    }
}
