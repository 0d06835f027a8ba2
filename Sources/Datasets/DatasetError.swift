/// A dataset that cannot be used, with the rule it breaks, where, and what to do about it.
///
/// `description` reads `FILE:LINE: MESSAGE (rule RULE[, Clarifai code N]). FIX` so a user can jump
/// to the place. The command line maps every `DatasetError` to exit code 65 (EX_DATAERR).
public struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The validation or format rule that failed. Raw values are stable and appear in messages.
    public enum Rule: String, Sendable, Equatable, CaseIterable {
        /// The file cannot be opened or read.
        case unreadable = "unreadable-file"
        /// A file (a canonical dataset) cannot be written.
        case unwritable = "unwritable-file"
        /// The file's extension or content does not match a supported format.
        case unknownFormat = "unknown-format"
        /// A structural problem: bad header, bad JSON, bad NPY header, wrong label file length.
        case malformed = "malformed"
        /// A required column or field is missing (CSV `label`/`labels`, JSONL `data.embeddings`).
        case missingField = "missing-field"
        /// A feature cell that is not a number.
        case notANumber = "not-a-number"
        /// NaN or infinity in the features.
        case nonFinite = "non-finite-value"
        /// A row whose width differs from the header or the first row.
        case raggedRow = "ragged-row"
        /// Two rows with the same id.
        case duplicateId = "duplicate-id"
        /// A row without a concept where the dataset has exclusive concepts.
        case missingLabel = "missing-label"
        /// No rows at all.
        case empty = "empty-dataset"
        /// Fewer than 2 concepts (Clarifai 21315).
        case tooFewConcepts = "too-few-concepts"
        /// A concept with fewer than 10 positive inputs (Clarifai 21316).
        case tooFewInputs = "too-few-inputs-per-concept"
        /// More folds than the smallest concept has inputs, for a stratified split.
        case tooManyFolds = "too-many-folds"
        /// A holdout dataset that does not fit the training dataset (features or concepts).
        case mismatch = "dataset-mismatch"
        /// The dataset would not fit in this machine's memory (its dense concept matrix).
        case tooLarge = "too-large"
    }

    public let rule: Rule
    /// The file the problem is in, as the user named it.
    public let file: String
    /// 1-based line (CSV, JSONL, labels file) or row number, when the problem has one place.
    public let line: Int?
    /// What is wrong, in one sentence.
    public let message: String
    /// What to do next.
    public let fix: String

    public init(_ rule: Rule, file: String, line: Int? = nil, _ message: String, fix: String) {
        self.rule = rule
        self.file = file
        self.line = line
        self.message = message
        self.fix = fix
    }

    /// Clarifai's status code for the requirement failures (21315, 21316), nil otherwise.
    public var clarifaiCode: Int? {
        switch rule {
        case .tooFewConcepts: 21315
        case .tooFewInputs: 21316
        default: nil
        }
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        let code = clarifaiCode.map { ", Clarifai code \($0)" } ?? ""
        return "\(place): \(message) (rule \(rule.rawValue)\(code)). \(fix)"
    }
}
