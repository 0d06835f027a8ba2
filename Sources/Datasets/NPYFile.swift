#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small NumPy `.npy` files written and read whole: what crossfold exchanges with a user's program
/// (`--model command`): float32 matrices, uint8 label matrices and int64 row indices out, a float
/// score matrix back. Every language has an NPY reader, and the format is a short text header
/// before the raw little-endian values.
public enum NPYFile {
    /// The element types written.
    public enum Element: String, Sendable {
        case float32 = "<f4"
        case uint8 = "|u1"
        case int64 = "<i8"
    }

    /// The header (format version 1) of a C-order array of `shape`, padded so the values start at a
    /// multiple of 64 bytes, as numpy writes it.
    public static func header(_ element: Element, shape: [Int]) -> [UInt8] {
        let dimensions = shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
        var text = Array("{'descr': '\(element.rawValue)', 'fortran_order': False, 'shape': \(dimensions), }".utf8)
        let unpadded = 10 + text.count + 1
        text += [UInt8](repeating: UInt8(ascii: " "), count: (64 - unpadded % 64) % 64)
        text.append(UInt8(ascii: "\n"))
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text
    }

    /// Writes an array of `shape` whose values `fill` hands to its sink in order (in as many
    /// pieces as it likes), to a new file at `path` (replacing any).
    /// - Throws: `DatasetError` `unwritable-file` when the file cannot be written.
    public static func save(
        _ path: String, _ element: Element, shape: [Int],
        fill: ((UnsafeRawBufferPointer) throws(DatasetError) -> Void) throws(DatasetError) -> Void
    ) throws(DatasetError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CanonicalFileWriter.failure(path, "cannot create the file", errno) }
        defer { close(fd) }
        let put = { (bytes: UnsafeRawBufferPointer) throws(DatasetError) -> Void in
            var done = 0
            while done < bytes.count, let base = bytes.baseAddress {
                let n = write(fd, base + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CanonicalFileWriter.failure(path, "cannot write the file", errno)
                }
                done += n
            }
        }
        try bytes(of: header(element, shape: shape), into: put)
        try fill(put)
    }

    /// Writes a whole array held in memory.
    public static func save<T: BitwiseCopyable>(_ path: String, _ element: Element, shape: [Int], values: [T]) throws(DatasetError) {
        try save(path, element, shape: shape) { (sink) throws(DatasetError) in
            try bytes(of: values, into: sink)
        }
    }

    /// Hands `values`' bytes to `sink` (Array's `withUnsafeBytes` only rethrows untyped errors).
    public static func bytes<T: BitwiseCopyable>(
        of values: [T], into sink: (UnsafeRawBufferPointer) throws(DatasetError) -> Void
    ) throws(DatasetError) {
        try values.withUnsafeBytes { raw in Result { () throws(DatasetError) in try sink(raw) } }.get()
    }

    /// Reads a 2-D float32 or float64 matrix (float64 rounded to the nearest Float32). Values are
    /// returned as they are, NaN included: the caller judges them.
    /// - Throws: `DatasetError` when the file is missing, not NPY, not a 2-D float matrix, or cut short.
    public static func readFloatMatrix(_ path: String) throws(DatasetError) -> (rows: Int, columns: Int, values: [Float]) {
        let file = try OpenFile(path: path)
        let preamble = try file.readBytes(at: 0, count: min(file.size, NPYHeader.preambleLength))
        let textRange = try NPYHeader.textRange(preamble: preamble, file: path)
        guard textRange.upperBound <= file.size else { throw NPYHeader.truncated(path) }
        let header = try NPYHeader(
            text: try file.readBytes(at: textRange.lowerBound, count: textRange.count), offset: textRange.lowerBound, file: path)
        guard let length = header.dataLength, header.dataOffset + length == file.size else {
            throw DatasetError(.malformed, file: path,
                               "the header promises a \(header.rows) × \(header.columns) \(header.elementType.name) matrix "
                                   + "but the file holds \(file.size - header.dataOffset) bytes of values",
                               fix: "Write the whole matrix with numpy.save.")
        }
        let bytes = try file.readBytes(at: header.dataOffset, count: length)
        let count = header.rows * header.columns
        let values: [Float] = bytes.withUnsafeBytes { raw in
            switch header.elementType {
            case .float32:
                (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            case .float64:
                (0..<count).map { Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))) }
            }
        }
        return (header.rows, header.columns, values)
    }
}
