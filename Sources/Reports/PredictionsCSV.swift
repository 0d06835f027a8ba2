import Evaluation
import Foundation

/// The out-of-fold predictions as CSV: header `id,fold,<concept id>...` (`id,repeat,fold,...` when
/// there is more than one repeat), then one row per input in input order (repeat by repeat), each
/// cell the predicted probability in the shortest text that reads back as the same Float32.
/// Ids and concept ids are quoted per RFC 4180 when they need it; lines end in LF.
///
/// The text is produced in chunks of rows, so writing 200,000 × 10 never holds the whole file in
/// memory.
public struct PredictionsCSV: Sendable {
    public let inputIDs: [String]
    public let conceptIDs: [String]
    public let outOfFold: [OutOfFoldPredictions]

    public init(inputIDs: [String], conceptIDs: [String], outOfFold: [OutOfFoldPredictions]) {
        precondition(outOfFold.allSatisfy { $0.rowCount == inputIDs.count && $0.conceptCount == conceptIDs.count },
                     "one prediction row per input and one score per concept")
        self.inputIDs = inputIDs
        self.conceptIDs = conceptIDs
        self.outOfFold = outOfFold
    }

    /// The predictions of `result`.
    public init(result: EvaluationResult) {
        self.init(inputIDs: result.inputIDs, conceptIDs: result.concepts, outOfFold: result.outOfFold)
    }

    /// Whether the file has a `repeat` column.
    public var hasRepeatColumn: Bool { outOfFold.count > 1 }

    /// The header line, with its newline.
    public var header: String { format.header }

    var format: PredictionsCSVFormat { PredictionsCSVFormat(conceptIDs: conceptIDs, repeats: outOfFold.count) }

    /// The file as a sequence of UTF-8 chunks: the header, then `rowsPerChunk` rows per chunk.
    public func chunks(rowsPerChunk: Int = 4096) -> Chunks {
        Chunks(csv: self, rowsPerChunk: max(1, rowsPerChunk))
    }

    /// Writes the whole file to `handle`, chunk by chunk.
    ///
    /// - Throws: `ReportError.writeFailed` when the handle refuses a write.
    public func write(to handle: FileHandle, rowsPerChunk: Int = 4096) throws(ReportError) {
        for chunk in chunks(rowsPerChunk: rowsPerChunk) {
            do {
                try handle.write(contentsOf: chunk)
            } catch {
                throw .writeFailed(String(describing: error))
            }
        }
    }

    /// The file's chunks, produced lazily.
    public struct Chunks: Sequence, Sendable {
        let csv: PredictionsCSV
        let rowsPerChunk: Int

        public func makeIterator() -> Iterator {
            Iterator(csv: csv, rowsPerChunk: rowsPerChunk)
        }

        public struct Iterator: IteratorProtocol {
            let csv: PredictionsCSV
            let rowsPerChunk: Int
            var wroteHeader = false
            var repeatPosition = 0
            var row = 0
            let escapedIDs: [String]

            init(csv: PredictionsCSV, rowsPerChunk: Int) {
                self.csv = csv
                self.rowsPerChunk = rowsPerChunk
                self.escapedIDs = csv.inputIDs.map(CSVField.escape)
            }

            public mutating func next() -> Data? {
                if !wroteHeader {
                    wroteHeader = true
                    return Data(csv.header.utf8)
                }
                guard repeatPosition < csv.outOfFold.count else { return nil }
                let predictions = csv.outOfFold[repeatPosition]
                let end = Swift.min(row + rowsPerChunk, predictions.rowCount)
                let c = predictions.conceptCount
                let bytes = csv.format.rows(
                    escapedIDs: escapedIDs[row..<end], repeatIndex: predictions.repeatIndex,
                    folds: predictions.folds[row..<end], scores: predictions.scores[(row * c)..<(end * c)])
                row = end
                if row >= predictions.rowCount {
                    repeatPosition += 1
                    row = 0
                }
                return Data(bytes)
            }
        }
    }
}

/// The text of a predictions CSV, a header and then rows given a page at a time, so a client
/// writes the predictions of any number of rows while holding one page (`PredictionsCSV` is the
/// same text for predictions held whole).
public struct PredictionsCSVFormat: Sendable {
    public let conceptIDs: [String]
    /// Whether the file has a `repeat` column (more than one repeat).
    public let hasRepeatColumn: Bool

    public init(conceptIDs: [String], repeats: Int) {
        self.conceptIDs = conceptIDs
        hasRepeatColumn = repeats > 1
    }

    /// The header line, with its newline.
    public var header: String {
        let leading = hasRepeatColumn ? ["id", "repeat", "fold"] : ["id", "fold"]
        return (leading + conceptIDs.map(CSVField.escape)).joined(separator: ",") + "\n"
    }

    /// Rows of one repeat: `ids` (raw), their folds and `ids.count × concepts` scores.
    /// `prefix` (bytes, already escaped and with their comma) leads every row: a sweep's
    /// `configuration` cell.
    public func rows(ids: [String], repeatIndex: Int, folds: [Int32], scores: [Float], prefix: [UInt8] = []) -> Data {
        rows(escapedIDs: ArraySlice(ids.map(CSVField.escape)), repeatIndex: repeatIndex, folds: folds[...], scores: scores[...],
             prefix: prefix)
    }

    func rows(
        escapedIDs: ArraySlice<String>, repeatIndex: Int, folds: ArraySlice<Int32>, scores: ArraySlice<Float>,
        prefix: [UInt8] = []
    ) -> Data {
        let c = conceptIDs.count
        precondition(folds.count == escapedIDs.count && scores.count == escapedIDs.count * c, "one fold and one score per concept per row")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(escapedIDs.count * (24 + prefix.count + 12 * c))
        let repeatText = Array(String(repeatIndex).utf8)
        var score = scores.startIndex
        for (id, fold) in zip(escapedIDs, folds) {
            bytes.append(contentsOf: prefix)
            bytes.append(contentsOf: id.utf8)
            if hasRepeatColumn {
                bytes.append(UInt8(ascii: ","))
                bytes.append(contentsOf: repeatText)
            }
            bytes.append(UInt8(ascii: ","))
            bytes.append(contentsOf: String(fold).utf8)
            for _ in 0..<c {
                bytes.append(UInt8(ascii: ","))
                // Float's description is the shortest text that round-trips to the same Float.
                bytes.append(contentsOf: scores[score].description.utf8)
                score += 1
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        return Data(bytes)
    }
}
