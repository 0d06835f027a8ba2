import Evaluation

/// A finished job's out-of-fold predictions in input order, as the store keeps them and RESULTS
/// pages serve them (slices of one mapping, sent without copying). Little-endian:
///
/// | offset | size | field |
/// | --- | --- | --- |
/// | 0 | 8 | magic `CFPREDS1` |
/// | 8 | 8 | N, rows predicted |
/// | 16 | 8 | C, concepts |
/// | 24 | 8 | R, repeats |
/// | 32 | 32 | reserved, 0 |
/// | 64 | per repeat r: 4·N + 4·N·C | the fold of each row (Int32), then its scores (Float32, row-major) |
enum PredictionsFile {
    static let magic: [UInt8] = Array("CFPREDS1".utf8)
    static let headerSize = 64

    struct Header: Equatable {
        let rows: Int
        let concepts: Int
        let repeats: Int

        /// The header of `bytes`, or nil when they are not a whole predictions file.
        init?(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count >= PredictionsFile.headerSize, bytes.prefix(8).elementsEqual(PredictionsFile.magic) else { return nil }
            func load(_ offset: Int) -> Int? { Int(exactly: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) }
            guard let rows = load(8), let concepts = load(16), let repeats = load(24),
                  let size = PredictionsFile.size(rows: rows, concepts: concepts, repeats: repeats), size == bytes.count
            else { return nil }
            self.init(rows: rows, concepts: concepts, repeats: repeats)
        }

        init(rows: Int, concepts: Int, repeats: Int) {
            self.rows = rows
            self.concepts = concepts
            self.repeats = repeats
        }

        /// Bytes of one repeat's section.
        var repeatBytes: Int { 4 * rows * (1 + concepts) }

        /// Where the fold ids of `range` of repeat `r` are.
        func folds(repeat r: Int, rows range: Range<Int>) -> Range<Int> {
            let start = PredictionsFile.headerSize + r * repeatBytes
            return (start + 4 * range.lowerBound)..<(start + 4 * range.upperBound)
        }

        /// Where the scores of `range` of repeat `r` are.
        func scores(repeat r: Int, rows range: Range<Int>) -> Range<Int> {
            let start = PredictionsFile.headerSize + r * repeatBytes + 4 * rows
            return (start + 4 * concepts * range.lowerBound)..<(start + 4 * concepts * range.upperBound)
        }
    }

    /// The file's size, or nil when it would overflow.
    static func size(rows: Int, concepts: Int, repeats: Int) -> Int? {
        let (perRow, o1) = (1 + concepts).multipliedReportingOverflow(by: 4)
        let (perRepeat, o2) = perRow.multipliedReportingOverflow(by: rows)
        let (all, o3) = perRepeat.multipliedReportingOverflow(by: repeats)
        let (total, o4) = all.addingReportingOverflow(headerSize)
        return o1 || o2 || o3 || o4 || rows < 0 || concepts < 0 || repeats < 0 ? nil : total
    }

    /// Writes the file's first `headerSize` bytes.
    static func writeHeader(_ header: Header, into buffer: UnsafeMutableRawBufferPointer) {
        for index in 0..<headerSize { buffer[index] = 0 }
        for (index, byte) in magic.enumerated() { buffer[index] = byte }
        for (offset, value) in [(8, header.rows), (16, header.concepts), (24, header.repeats)] {
            buffer.storeBytes(of: UInt64(value).littleEndian, toByteOffset: offset, as: UInt64.self)
        }
    }

    /// Writes one repeat's predictions as section `r` (a sweep's configuration `c`, repeat `r'` is
    /// section `c × repeats + r'`).
    static func write(
        _ predictions: OutOfFoldPredictions, asSection r: Int, of header: Header, into buffer: UnsafeMutableRawBufferPointer
    ) {
        // Little-endian hosts only (`BinaryArrays`): the arrays' bytes are the file's.
        let all = 0..<header.rows
        predictions.folds.withUnsafeBytes { source in
            UnsafeMutableRawBufferPointer(rebasing: buffer[header.folds(repeat: r, rows: all)]).copyMemory(from: source)
        }
        predictions.scores.withUnsafeBytes { source in
            UnsafeMutableRawBufferPointer(rebasing: buffer[header.scores(repeat: r, rows: all)]).copyMemory(from: source)
        }
    }
}
