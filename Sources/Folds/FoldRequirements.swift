import Datasets

/// What a dataset must satisfy before it can be split, each check throwing the error a user can act
/// on: the rule, the file, and the option or data to change.
struct FoldRequirements {
    let dataset: Dataset
    let folds: Int
    let source: String

    /// At least one row.
    func isNotEmpty() throws(FoldPlanError) {
        if dataset.rowCount == 0 {
            throw .dataset(DatasetError(
                .empty, file: source, "the dataset has no rows to split into folds",
                fix: "Add labelled inputs to the file."))
        }
    }

    /// At least one row per fold. Checked after the strategy's own limit (the smallest concept,
    /// the distinct groups), which is never larger, so the advice names the limit that holds.
    func hasEnoughRows() throws(FoldPlanError) {
        if folds > dataset.rowCount {
            throw .dataset(DatasetError(
                .tooManyFolds, file: source,
                "--folds \(folds) is more than the \(dataset.rowCount) rows of the dataset",
                fix: "Lower --folds to at most \(dataset.rowCount)."))
        }
    }

    /// The one concept of every row, for a stratified split.
    func exclusiveConcepts() throws(FoldPlanError) -> [Int] {
        var classOfRow: [Int] = []
        classOfRow.reserveCapacity(dataset.rowCount)
        for row in 0..<dataset.rowCount {
            var count = 0
            var concept = 0
            for c in 0..<dataset.conceptCount where dataset.isPositive(row: row, concept: c) {
                count += 1
                concept = c
            }
            if count != 1 { throw notExclusive(row: row, conceptCount: count) }
            classOfRow.append(concept)
        }
        return classOfRow
    }

    private func notExclusive(row: Int, conceptCount: Int) -> FoldPlanError {
        // Rows counted from 0, as in the dataset validator's and the learners' messages.
        let place = "row \(row) (id \"\(dataset.ids[row])\")"
        let has = conceptCount == 0 ? "no concept" : "\(conceptCount) concepts"
        if dataset.isMultiLabel {
            return .usage(FoldUsageError(
                .stratifiedNeedsExclusiveConcepts,
                "--split stratified needs exactly one concept per row, but \(place) of \(source) has \(has)",
                fix: "Use --split multilabel, which stratifies every concept and also spreads rows without concepts"))
        }
        // An exclusive dataset promises one concept per row; the validator reports this too.
        return .dataset(DatasetError(
            conceptCount == 0 ? .missingLabel : .malformed, file: source,
            "\(place) has \(has), but the dataset has exclusive concepts",
            fix: "Give the row exactly one concept in its label column."))
    }

    /// `folds` no larger than the positives of the smallest concept that has any.
    func smallestConceptCoversFolds() throws(FoldPlanError) {
        let counts = dataset.positiveCounts
        var smallest: Int?
        for c in counts.indices where counts[c] > 0 {
            if smallest.map({ counts[c] < counts[$0] }) ?? true { smallest = c }
        }
        guard let smallest, folds > counts[smallest] else { return }
        let name = dataset.concepts[smallest]
        throw .dataset(DatasetError(
            .tooManyFolds, file: source,
            "--folds \(folds) is more than the \(counts[smallest]) inputs of concept \"\(name)\", "
                + "so some fold would hold none of them",
            fix: "Lower --folds to at most \(counts[smallest]), or add inputs of \"\(name)\"."))
    }

    /// The group of every row, when there are at least `folds` distinct groups.
    func groups() throws(FoldPlanError) -> [String] {
        guard let groups = dataset.groups else {
            throw .usage(FoldUsageError(
                .missingGroups, "--split group needs a group for every row, but \(source) has no group column",
                fix: "Add a `group` column (CSV) or a top-level \"group\" field (JSONL), "
                    + "or use --split stratified"))
        }
        let distinct = Set(groups).count
        if folds > distinct {
            throw .dataset(DatasetError(
                .tooManyFolds, file: source,
                "--folds \(folds) is more than the \(distinct) distinct groups, and a group never spans two folds",
                fix: "Lower --folds to at most \(distinct), or split the data into more groups."))
        }
        return groups
    }
}
