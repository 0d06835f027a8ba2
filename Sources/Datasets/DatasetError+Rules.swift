/// The messages of the rules, in one place so every reader words the same failure the same way and
/// other modules (Folds) raise the fold-count rule with the same voice.
extension DatasetError {
    /// More folds than a stratified split can fill: `concept` has only `positives` inputs, so some
    /// fold would hold none of it. Folds raises this before it plans.
    public static func tooManyFolds(_ folds: Int, concept: String, positives: Int, file: String) -> DatasetError {
        let fewer = positives >= 2
            ? "use --folds \(positives) or fewer"
            : "use fewer folds"
        return DatasetError(
            .tooManyFolds, file: file,
            "\(folds) folds need at least \(folds) positive inputs of every concept for a stratified split, "
                + "but concept \(quoted(concept)) has \(positives)",
            fix: "Add inputs labelled \(quoted(concept)), \(fewer), or use --split random.")
    }

    /// More folds than rows: some fold would be empty.
    public static func tooManyFolds(_ folds: Int, rows: Int, file: String) -> DatasetError {
        DatasetError(
            .tooManyFolds, file: file,
            "\(folds) folds need at least \(folds) inputs, but the dataset has \(rows)",
            fix: rows >= 2 ? "Use --folds \(rows) or fewer, or add inputs." : "Add inputs; cross validation needs at least 2.")
    }

    /// More folds than groups for a group split: some fold would be empty.
    public static func tooManyFolds(_ folds: Int, groups: Int, file: String) -> DatasetError {
        DatasetError(
            .tooManyFolds, file: file,
            "\(folds) folds need at least \(folds) groups for a group split, but the dataset has \(groups)",
            fix: groups >= 2
                ? "Use --folds \(groups) or fewer, split the data into more groups, or use --split stratified."
                : "Give the rows at least 2 distinct groups, or use --split stratified.")
    }

    // MARK: Rules the readers share

    static func emptyFile(_ file: String) -> DatasetError {
        DatasetError(.empty, file: file, "the file is empty",
                     fix: "Write the dataset into it: one input per line (after a header line for CSV).")
    }

    static func raggedRow(file: String, line: Int?, expected: Int, found: Int, detail: String, fix: String) -> DatasetError {
        DatasetError(.raggedRow, file: file, line: line,
                     "expected \(expected) feature\(expected == 1 ? "" : "s"), found \(found)\(detail)", fix: fix)
    }

    static func notANumber(file: String, line: Int?, column: String, text: String) -> DatasetError {
        if text.isEmpty {
            return DatasetError(.notANumber, file: file, line: line, "column \(quoted(column)) is empty",
                                fix: "Fill in missing values or drop the row; every feature needs a number.")
        }
        return DatasetError(
            .notANumber, file: file, line: line, "column \(quoted(column)) is not a number: \(quoted(text))",
            fix: "Feature columns hold numbers only; a column of text must be named id, group, label or labels.")
    }

    static func nonFinite(file: String, line: Int?, place: String, value: Float) -> DatasetError {
        DatasetError(.nonFinite, file: file, line: line, "\(place) is \(describe(value)), not a finite number",
                     fix: "Replace NaN and infinite values (impute them or drop the rows) before loading.")
    }

    static func duplicateId(file: String, line: Int?, id: String, first: String) -> DatasetError {
        DatasetError(.duplicateId, file: file, line: line, "id \(quoted(id)) is already used on \(first)",
                     fix: "Give every input its own id, or leave ids out to number the rows.")
    }

    static func invalidUTF8(file: String, line: Int?, what: String) -> DatasetError {
        DatasetError(.malformed, file: file, line: line, "\(what) is not valid UTF-8",
                     fix: "Save the file as UTF-8.")
    }

    /// `"text"`, shortened when long so a message stays one line.
    static func quoted(_ text: String) -> String {
        let limit = 60
        if text.count <= limit { return "\"\(text)\"" }
        return "\"\(text.prefix(limit))…\""
    }

    static func describe(_ value: Float) -> String {
        if value.isNaN { return "NaN" }
        return value < 0 ? "-infinity" : "infinity"
    }
}
