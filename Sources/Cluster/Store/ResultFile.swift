/// The bytes of `jobs/<job>/results/<task>.bin`: one task's stored predictions. Little-endian:
///
/// | offset | size | field |
/// | --- | --- | --- |
/// | 0 | 8 | magic `CFRESULT` |
/// | 8 | 4 | format version (1) |
/// | 12 | 4 | task index |
/// | 16 | 4 | attempt that produced it |
/// | 20 | 4 | W, bytes of the worker id |
/// | 24 | 8 | seconds the fold took (IEEE 754 binary64) |
/// | 32 | 8 | S, number of scores (held-out rows × concepts) |
/// | 40 | W | worker id, UTF-8 |
/// | 40 + W | 4 S | scores, IEEE 754 binary32, row-major |
/// | 40 + W + 4 S | 4 | CRC-32 (zlib's) of every byte before it |
///
/// Decoding checks every length against the file's size and the checksum, so a file cut short or
/// damaged is refused rather than misread.
enum ResultFile {
    static let magic: [UInt8] = Array("CFRESULT".utf8)
    static let version: UInt32 = 1
    static let headerSize = 40

    static func name(of task: Int) -> String { "\(task).bin" }

    /// The task a file name stands for, or nil for other files.
    static func task(ofFileNamed name: String) -> Int? {
        guard name.hasSuffix(".bin") else { return nil }
        let digits = name.dropLast(4)
        guard !digits.isEmpty, digits.count <= 9, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(digits)
    }

    static func encode(_ result: StoredResult) -> [UInt8] {
        let worker = Array(result.worker.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize + worker.count + result.scores.count * 4 + 4)
        bytes += magic
        append(version, to: &bytes)
        append(UInt32(truncatingIfNeeded: result.task), to: &bytes)
        append(UInt32(truncatingIfNeeded: result.attempt), to: &bytes)
        append(UInt32(worker.count), to: &bytes)
        append(result.seconds.bitPattern, to: &bytes)
        append(UInt64(result.scores.count), to: &bytes)
        bytes += worker
        #if _endian(little)
        result.scores.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for score in result.scores { append(score.bitPattern, to: &bytes) }
        #endif
        append(CRC32.checksum(bytes), to: &bytes)
        return bytes
    }

    /// The result in `bytes`, stored for `job`'s task `task`.
    /// - Throws: `ResultFileError` saying what does not add up.
    static func decode(_ bytes: [UInt8], job: String, task: Int) throws(ResultFileError) -> StoredResult {
        guard bytes.count >= headerSize + 4 else {
            throw ResultFileError("\(bytes.count) bytes, shorter than a header (a write cut short)")
        }
        guard Array(bytes[0..<8]) == magic else { throw ResultFileError("not a crossfold result file") }
        let fileVersion: UInt32 = read(bytes, at: 8)
        guard fileVersion == version else { throw ResultFileError("format version \(fileVersion), expected \(version)") }
        let storedTask = Int(read(bytes, at: 12) as UInt32)
        let attempt = Int(read(bytes, at: 16) as UInt32)
        let workerCount = Int(read(bytes, at: 20) as UInt32)
        let seconds = Double(bitPattern: read(bytes, at: 24))
        let scoreCount: UInt64 = read(bytes, at: 32)
        guard scoreCount <= UInt64(bytes.count), workerCount <= bytes.count,
              bytes.count == headerSize + workerCount + Int(scoreCount) * 4 + 4
        else {
            throw ResultFileError("\(bytes.count) bytes, but its header announces \(scoreCount) scores and a \(workerCount)-byte worker id")
        }
        let crcOffset = bytes.count - 4
        let expected: UInt32 = read(bytes, at: crcOffset)
        let actual = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<crcOffset])) }
        guard expected == actual else { throw ResultFileError("checksum mismatch (the file was damaged)") }
        guard storedTask == task else { throw ResultFileError("holds task \(storedTask), not \(task)") }
        let worker = String(decoding: bytes[headerSize..<(headerSize + workerCount)], as: UTF8.self)
        let start = headerSize + workerCount
        let count = Int(scoreCount)
        let scores = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                #if _endian(little)
                let source = UnsafeRawBufferPointer(rebasing: raw[start..<(start + count * 4)])
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                #else
                for index in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: start + index * 4, as: UInt32.self)
                    buffer[index] = Float(bitPattern: UInt32(littleEndian: bits))
                }
                #endif
            }
            initialized = count
        }
        return StoredResult(job: job, task: task, attempt: attempt, worker: worker, seconds: seconds, scores: scores)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func read<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}

/// Why a result file was refused.
struct ResultFileError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
