import Datasets
import Folds
import Testing

@Suite struct FoldPlanErrorTests {
    static let exclusive = Fixtures.exclusive(
        Fixtures.interleavedLabels(counts: [12, 7, 10]), groups: (0..<29).map { "g\($0 % 3)" })

    func failure(_ dataset: Dataset, _ strategy: SplitStrategy, folds: Int = 5, repeats: Int = 1) -> FoldPlanError? {
        do {
            _ = try FoldPlanner.plan(
                for: dataset, strategy: strategy, folds: folds, repeats: repeats, seed: 1, source: "pets.csv")
            return nil
        } catch {
            return error
        }
    }

    func usageError(_ dataset: Dataset, _ strategy: SplitStrategy, folds: Int = 5, repeats: Int = 1) throws
        -> FoldUsageError
    {
        let error = failure(dataset, strategy, folds: folds, repeats: repeats)
        guard case .usage(let usage) = error else { throw Unexpected(error: error) }
        return usage
    }

    func datasetError(_ dataset: Dataset, _ strategy: SplitStrategy, folds: Int = 5) throws -> DatasetError {
        let error = failure(dataset, strategy, folds: folds)
        guard case .dataset(let problem) = error else { throw Unexpected(error: error) }
        return problem
    }

    struct Unexpected: Error, CustomStringConvertible {
        let error: FoldPlanError?
        var description: String { "unexpected outcome: \(error.map(String.init(describing:)) ?? "a plan")" }
    }

    @Test(arguments: SplitStrategy.allCases)
    func foldsBelowTwoIsAUsageError(strategy: SplitStrategy) throws {
        let usage = try usageError(Self.exclusive, strategy, folds: 1)
        #expect(usage.problem == .tooFewFolds)
        #expect(usage.description == """
            --folds must be at least 2 (one fold to test, one to train), got 1. \
            Use --folds 2 or more; 5 is the default
            """)
    }

    @Test func repeatsBelowOneIsAUsageError() throws {
        let usage = try usageError(Self.exclusive, .random, repeats: 0)
        #expect(usage.problem == .tooFewRepeats)
        #expect(usage.description == "--repeats must be at least 1, got 0. Use --repeats 1 or more; 1 is the default")
    }

    @Test func argumentsAreCheckableWithoutADataset() throws {
        try FoldPlanner.checkArguments(folds: 2, repeats: 1)
        #expect(throws: FoldUsageError.self) { try FoldPlanner.checkArguments(folds: 0, repeats: 1) }
        #expect(throws: FoldUsageError.self) { try FoldPlanner.checkArguments(folds: 5, repeats: -1) }
    }

    @Test func stratifiedOnMultiLabelDataSaysToUseMultilabel() throws {
        let dataset = Fixtures.multiLabel([[0], [1], [0, 1], [0], [1], [0], [1]], conceptCount: 2)
        let usage = try usageError(dataset, .stratified, folds: 2)
        #expect(usage.problem == .stratifiedNeedsExclusiveConcepts)
        #expect(usage.description == """
            --split stratified needs exactly one concept per row, but row 2 (id "row-2") of pets.csv has 2 concepts. \
            Use --split multilabel, which stratifies every concept and also spreads rows without concepts
            """)
    }

    @Test func stratifiedOnMultiLabelDataWithAnEmptyRowNamesIt() throws {
        let dataset = Fixtures.multiLabel([[0], [1], [0], [], [1], [0], [1]], conceptCount: 2)
        let usage = try usageError(dataset, .stratified, folds: 2)
        #expect(usage.problem == .stratifiedNeedsExclusiveConcepts)
        #expect(usage.message.hasSuffix("row 3 (id \"row-3\") of pets.csv has no concept"))
    }

    @Test func stratifiedOnAnExclusiveRowWithoutConceptIsADatasetError() throws {
        var labels = [UInt8](repeating: 0, count: 8)
        for row in [0, 1, 3] { labels[row * 2 + row % 2] = 1 }
        let dataset = Dataset(
            featureCount: 1, features: [0, 1, 2, 3], concepts: ["a", "b"], labels: labels,
            ids: ["w", "x", "y", "z"], isMultiLabel: false)
        let error = try datasetError(dataset, .stratified, folds: 2)
        #expect(error.rule == .missingLabel)
        #expect(error.description == """
            pets.csv: row 2 (id "y") has no concept, but the dataset has exclusive concepts (rule missing-label). \
            Give the row exactly one concept in its label column.
            """)
    }

    @Test(arguments: [SplitStrategy.stratified, .multilabel])
    func moreFoldsThanTheSmallestConceptNamesIt(strategy: SplitStrategy) throws {
        let error = try datasetError(Self.exclusive, strategy, folds: 8)
        #expect(error.rule == .tooManyFolds)
        #expect(error.file == "pets.csv")
        #expect(error.description == """
            pets.csv: --folds 8 is more than the 7 inputs of concept "c1", so some fold would hold none of them \
            (rule too-many-folds). Lower --folds to at most 7, or add inputs of "c1".
            """)
        #expect(failure(Self.exclusive, strategy, folds: 7) == nil)
    }

    @Test func conceptsWithoutPositivesDoNotLimitTheFolds() {
        let rows = Array(repeating: [0], count: 6) + Array(repeating: [1], count: 6)
        #expect(failure(Fixtures.multiLabel(rows, conceptCount: 3), .multilabel, folds: 6) == nil)
    }

    @Test func moreFoldsThanRowsIsTooManyFolds() throws {
        let error = try datasetError(Fixtures.exclusive([0, 1, 0], groups: ["a", "b", "c"]), .random, folds: 4)
        #expect(error.description == """
            pets.csv: --folds 4 is more than the 3 rows of the dataset (rule too-many-folds). \
            Lower --folds to at most 3.
            """)
    }

    /// digits: `--folds 2000` used to advise "at most 1797", which then failed on concept "8" (174).
    /// The advice names the limit that holds for the split.
    @Test(arguments: [(SplitStrategy.stratified, "7 inputs of concept \"c1\"", 7), (.multilabel, "7 inputs of concept \"c1\"", 7),
                      (.group, "3 distinct groups", 3), (.random, "29 rows of the dataset", 29)])
    func farTooManyFoldsAdviseTheLimitOfTheSplit(strategy: SplitStrategy, limit: String, atMost: Int) throws {
        let error = try datasetError(Self.exclusive, strategy, folds: 2000)
        #expect(error.description.contains("--folds 2000 is more than the \(limit)"), "\(error)")
        #expect(error.description.contains("Lower --folds to at most \(atMost)"), "\(error)")
        #expect(failure(Self.exclusive, strategy, folds: atMost) == nil)
    }

    @Test func anEmptyDatasetIsReported() throws {
        let dataset = Dataset(featureCount: 1, features: [], concepts: ["a", "b"], labels: [], ids: [], isMultiLabel: false)
        let error = try datasetError(dataset, .random, folds: 2)
        #expect(error.description == """
            pets.csv: the dataset has no rows to split into folds (rule empty-dataset). Add labelled inputs to the file.
            """)
    }

    @Test func groupWithoutAGroupColumnSaysWhatToAdd() throws {
        let usage = try usageError(Fixtures.exclusive(Fixtures.interleavedLabels(counts: [10, 10])), .group)
        #expect(usage.problem == .missingGroups)
        #expect(usage.description == """
            --split group needs a group for every row, but pets.csv has no group column. \
            Add a `group` column (CSV) or a top-level "group" field (JSONL), or use --split stratified
            """)
    }

    @Test func fewerGroupsThanFoldsIsTooManyFolds() throws {
        let error = try datasetError(Self.exclusive, .group, folds: 4)
        #expect(error.rule == .tooManyFolds)
        #expect(error.description == """
            pets.csv: --folds 4 is more than the 3 distinct groups, and a group never spans two folds \
            (rule too-many-folds). Lower --folds to at most 3, or split the data into more groups.
            """)
        #expect(failure(Self.exclusive, .group, folds: 3) == nil)
    }

    @Test func planErrorDescriptionsForwardTheirCause() {
        let usage = FoldUsageError(.tooFewFolds, "m", fix: "f")
        #expect(FoldPlanError.usage(usage).description == "m. f")
        let dataset = DatasetError(.tooManyFolds, file: "x.csv", "m", fix: "f")
        #expect(FoldPlanError.dataset(dataset).description == dataset.description)
    }
}
