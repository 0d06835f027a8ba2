/// The header of a NumPy `.npy` file (format versions 1, 2 and 3), restricted to what a dataset
/// matrix may be: a 2-D, C-order, little-endian float32 or float64 array.
///
/// The header is a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (200000, 128), }`.
struct NPYHeader: Equatable {
    enum ElementType: Equatable {
        case float32
        case float64

        var size: Int { self == .float32 ? 4 : 8 }
        var name: String { self == .float32 ? "float32" : "float64" }
    }

    let elementType: ElementType
    let rows: Int
    let columns: Int
    /// Where the matrix starts in the file.
    let dataOffset: Int

    /// The most header text accepted; numpy's own headers are a few hundred bytes.
    static let maximumHeaderLength = 1 << 20

    /// Bytes to read before the header's length is known.
    static let preambleLength = 12

    /// The header length announced by the first bytes, with where the header text starts.
    static func textRange(preamble: [UInt8], file: String) throws(DatasetError) -> Range<Int> {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard preamble.count >= 10, Array(preamble[0..<6]) == magic else {
            throw DatasetError(.unknownFormat, file: file, "the file does not start like a NumPy .npy file",
                               fix: "Save the matrix with numpy.save, or give the file the extension of its real format.")
        }
        let major = preamble[6]
        switch major {
        case 1:
            let length = Int(preamble[8]) | Int(preamble[9]) << 8
            return 10..<(10 + length)
        case 2, 3:
            guard preamble.count >= 12 else { throw truncated(file) }
            let length = Int(preamble[8]) | Int(preamble[9]) << 8 | Int(preamble[10]) << 16 | Int(preamble[11]) << 24
            guard length <= maximumHeaderLength else {
                throw malformed(file, "the header claims \(length) bytes")
            }
            return 12..<(12 + length)
        default:
            throw DatasetError(.unknownFormat, file: file, "NPY format version \(major) is not one crossfold reads (1, 2 or 3)",
                               fix: "Save the matrix with numpy.save from a current numpy.")
        }
    }

    /// Parses the header text that starts at `offset`.
    init(text: [UInt8], offset: Int, file: String) throws(DatasetError) {
        var parser = PythonLiteralParser(bytes: text)
        guard case .dict(let entries)? = parser.value(), parser.isAtEndOfHeader else {
            throw NPYHeader.malformed(file, "the header is not the Python dict numpy writes")
        }
        guard case .string(let descr)? = entries["descr"] else {
            if entries["descr"] != nil {
                throw DatasetError(.malformed, file: file, "the matrix has a structured dtype",
                                   fix: "Save a plain 2-D float array: numpy.save(path, x.astype(numpy.float32)).")
            }
            throw NPYHeader.malformed(file, "the header has no 'descr'")
        }
        switch descr {
        case "<f4": self.elementType = .float32
        case "<f8": self.elementType = .float64
        case ">f4", ">f8":
            throw DatasetError(.malformed, file: file, "the matrix is big-endian (\(descr))",
                               fix: "Save it little-endian: numpy.save(path, x.astype('<f4')).")
        default:
            throw DatasetError(.malformed, file: file, "the matrix has dtype \(descr); crossfold reads float32 or float64",
                               fix: "Convert it first: numpy.save(path, x.astype(numpy.float32)).")
        }
        guard case .bool(let fortranOrder)? = entries["fortran_order"] else {
            throw NPYHeader.malformed(file, "the header has no 'fortran_order'")
        }
        guard !fortranOrder else {
            throw DatasetError(.malformed, file: file, "the matrix is stored in Fortran (column-major) order",
                               fix: "Save it in C order: numpy.save(path, numpy.ascontiguousarray(x)).")
        }
        guard case .tuple(let shape)? = entries["shape"] else {
            throw NPYHeader.malformed(file, "the header has no 'shape'")
        }
        guard shape.count == 2 else {
            let written = shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
            throw DatasetError(.malformed, file: file, "the matrix has shape \(written); crossfold needs 2 dimensions (rows, features)",
                               fix: "Save one row per input: numpy.save(path, x.reshape(len(x), -1)).")
        }
        guard shape[1] > 0 else {
            throw DatasetError(.missingField, file: file, "the matrix has no feature columns (shape (\(shape[0]), 0))",
                               fix: "Save a matrix with one column per feature.")
        }
        self.rows = shape[0]
        self.columns = shape[1]
        self.dataOffset = offset + text.count
    }

    /// The byte length of the matrix, or nil when it does not fit in memory's address range.
    var dataLength: Int? {
        let (cells, overflow) = rows.multipliedReportingOverflow(by: columns)
        let (bytes, overflow2) = cells.multipliedReportingOverflow(by: elementType.size)
        return overflow || overflow2 ? nil : bytes
    }

    static func truncated(_ file: String) -> DatasetError {
        DatasetError(.malformed, file: file, "the file ends inside the NPY header",
                     fix: "The file is truncated; save or copy it again.")
    }

    static func malformed(_ file: String, _ detail: String) -> DatasetError {
        DatasetError(.malformed, file: file, "invalid NPY header: \(detail)",
                     fix: "Save the matrix with numpy.save.")
    }
}
