#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The lines of a small text file beside an `.npy` matrix (labels, ids, groups): one line per
/// matrix row, `\n` or `\r\n` endings, the final newline optional.
struct TextLines {
    let path: String
    let lines: [String]

    /// Reads `path`, or returns nil when no file exists there.
    static func readIfPresent(_ path: String) throws(DatasetError) -> TextLines? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw OpenFile.failure(path, "cannot read the file", errno)
        }
        return try TextLines(path: path)
    }

    init(path: String) throws(DatasetError) {
        let bytes = try OpenFile(path: path).readAll()
        var lines: [String] = []
        var start = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        while start < bytes.count {
            var stop = start
            while stop < bytes.count, bytes[stop] != 0x0A { stop += 1 }
            var textEnd = stop
            if textEnd > start, bytes[textEnd - 1] == 0x0D { textEnd -= 1 }
            guard let line = String(validating: bytes[start..<textEnd], as: UTF8.self) else {
                throw DatasetError.invalidUTF8(file: path, line: lines.count + 1, what: "the line")
            }
            lines.append(line)
            start = stop + 1
        }
        self.path = path
        self.lines = lines
    }

    /// Checks there is one line per matrix row.
    func requireLines(_ rows: Int, matrix: String, what: String) throws(DatasetError) {
        guard lines.count == rows else {
            throw DatasetError(.malformed, file: path, "has \(lines.count) lines but \(matrix) has \(rows) rows",
                               fix: "Write one line per matrix row: \(what).")
        }
    }
}
