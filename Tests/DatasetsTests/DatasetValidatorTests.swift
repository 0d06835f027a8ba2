import Datasets
import Testing

@Suite struct DatasetValidatorTests {
    /// An exclusive dataset with `counts[k]` rows of concept k, one feature each.
    private func dataset(_ counts: [Int], concepts: [String]? = nil, features: [Float]? = nil) -> Dataset {
        let names = concepts ?? counts.indices.map { "c\($0)" }
        var labels: [UInt8] = []
        for (k, count) in counts.enumerated() {
            for _ in 0..<count { labels += names.indices.map { $0 == k ? 1 : 0 } }
        }
        let rows = counts.reduce(0, +)
        return Dataset(featureCount: 1, features: features ?? (0..<rows).map(Float.init), concepts: names, labels: labels,
                       ids: (0..<rows).map(String.init), isMultiLabel: false)
    }

    @Test func acceptsFiftyOrMorePerConceptWithoutWarnings() throws {
        #expect(try DatasetValidator.validate(dataset([50, 60]), file: "d.csv").isEmpty)
    }

    @Test func warnsUnderFiftyPositivesPerConcept() throws {
        let warnings = try DatasetValidator.validate(dataset([10, 49, 50]), file: "d.csv")
        #expect(warnings.map(\.concept) == ["c0", "c1"])
        #expect(warnings.first?.kind == .fewInputsPerConcept)
        #expect(warnings.first?.description == "d.csv: concept \"c0\" has 10 positive inputs; Clarifai recommends at least 50 "
            + "(warning few-inputs-per-concept). Its metrics will vary a lot from fold to fold; label more inputs with it.")
    }

    @Test func refusesFewerThanTwoConceptsWithClarifaiCode21315() {
        let error = validationError(dataset([12], concepts: ["cat"]))
        #expect(error?.rule == .tooFewConcepts)
        #expect(error?.clarifaiCode == 21315)
        #expect(error?.description == "data.csv: the dataset has 1 concept (\"cat\"); evaluating a classifier needs at least 2 "
            + "(rule too-few-concepts, Clarifai code 21315). Label inputs with at least 2 different concepts.")
    }

    @Test func refusesAConceptWithFewerThanTenPositivesWithClarifaiCode21316() {
        let error = validationError(dataset([9, 30], concepts: ["cat", "dog"]))
        #expect(error?.rule == .tooFewInputs)
        #expect(error?.clarifaiCode == 21316)
        #expect(error?.description == "data.csv: concept \"cat\" has 9 positive inputs, fewer than the 10 required "
            + "(rule too-few-inputs-per-concept, Clarifai code 21316). "
            + "Label at least 10 inputs with each concept, or remove the concepts that have fewer.")
    }

    @Test func namesEveryConceptUnderTheMinimum() {
        let error = validationError(dataset([1, 30, 0, 4], concepts: ["a", "b", "c", "d"]))
        #expect(error?.message == "concept \"a\" has 1 positive input, fewer than the 10 required; so do \"c\" (0), \"d\" (4)")
    }

    @Test func refusesAnEmptyDataset() {
        let empty = Dataset(featureCount: 3, features: [], concepts: [], labels: [], ids: [], isMultiLabel: false)
        #expect(validationError(empty)?.description == "data.csv: the dataset has no inputs (rule empty-dataset). "
            + "Add labelled inputs; Clarifai needs at least 10 per concept.")
    }

    @Test func refusesNonFiniteFeaturesNamingRowAndId() {
        var values = (0..<20).map(Float.init)
        values[13] = -.infinity
        let error = validationError(dataset([10, 10], features: values), file: "d.cfds")
        #expect(error?.description == "d.cfds: row 13 (id \"13\"), feature 0 is -infinity, not a finite number "
            + "(rule non-finite-value). Replace NaN and infinite values (impute them or drop the rows) before loading.")
    }

    @Test func refusesDuplicateIdsNamingBothRows() {
        let base = dataset([10, 10])
        var ids = base.ids
        ids[15] = "3"
        let copy = Dataset(featureCount: 1, features: base.features, concepts: base.concepts, labels: base.labels,
                           ids: ids, isMultiLabel: false)
        #expect(validationError(copy)?.description == "data.csv: id \"3\" is already used on row 3 (rows counted from 0), "
            + "and again on row 15 (rule duplicate-id). Give every input its own id, or leave ids out to number the rows.")
    }

    @Test func refusesAnExclusiveRowWithoutExactlyOneConcept() {
        let base = dataset([10, 10])
        var labels = base.labels
        labels[2 * 4 + 1] = 1
        let copy = Dataset(featureCount: 1, features: base.features, concepts: base.concepts, labels: labels,
                           ids: base.ids, isMultiLabel: false)
        #expect(validationError(copy)?.description == "data.csv: row 4 (id \"4\") does not have exactly one concept, "
            + "but the dataset has exclusive concepts (rule missing-label). "
            + "Give every input exactly one concept, or mark the dataset multi-label.")
        let multi = Dataset(featureCount: 1, features: base.features, concepts: base.concepts, labels: labels,
                            ids: base.ids, isMultiLabel: true)
        #expect(validationError(multi) == nil)
    }

    @Test func checksALoadedCSVEndToEnd() throws {
        let scratch = try Scratch()
        let path = try scratch.write("d.csv", exclusiveCSV(concepts: ["cat", "dog"], perConcept: 10))
        let warnings = try DatasetValidator.validate(try DatasetReader.load(path: path), file: path)
        #expect(warnings.count == 2)
        let nine = try scratch.write("nine.csv", exclusiveCSV(concepts: ["cat"], perConcept: 9)
            + exclusiveCSV(concepts: ["dog"], perConcept: 10).split(separator: "\n").dropFirst().joined(separator: "\n"))
        let error = validationError(try DatasetReader.load(path: nine), file: nine)
        #expect(error?.description.hasPrefix("\(nine): concept \"cat\" has 9 positive inputs") == true)
    }
}

@Suite struct FoldRuleTests {
    @Test func tooManyFoldsForAConceptSaysWhatToDo() {
        let error = DatasetError.tooManyFolds(5, concept: "cat", positives: 3, file: "d.csv")
        #expect(error.rule == .tooManyFolds)
        #expect(error.description == "d.csv: 5 folds need at least 5 positive inputs of every concept for a stratified split, "
            + "but concept \"cat\" has 3 (rule too-many-folds). Add inputs labelled \"cat\", use --folds 3 or fewer, or use --split random.")
        #expect(DatasetError.tooManyFolds(5, concept: "cat", positives: 1, file: "d.csv").fix
            == "Add inputs labelled \"cat\", use fewer folds, or use --split random.")
    }

    @Test func tooManyFoldsForRowsAndGroups() {
        #expect(DatasetError.tooManyFolds(10, rows: 7, file: "d.csv").description
            == "d.csv: 10 folds need at least 10 inputs, but the dataset has 7 (rule too-many-folds). Use --folds 7 or fewer, or add inputs.")
        #expect(DatasetError.tooManyFolds(5, groups: 3, file: "d.csv").description
            == "d.csv: 5 folds need at least 5 groups for a group split, but the dataset has 3 (rule too-many-folds). "
            + "Use --folds 3 or fewer, split the data into more groups, or use --split stratified.")
    }
}
