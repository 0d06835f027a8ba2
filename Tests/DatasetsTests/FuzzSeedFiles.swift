import Datasets
import TestSupport

/// One dataset file of the fuzz tests: a main file and, for `.npy`, the side files beside it
/// (`labels.txt`, `ids.txt`, `groups.txt`, keyed by that suffix).
struct FuzzFile: Sendable {
    /// `csv`, `jsonl` or `npy`.
    var format: String
    var bytes: [UInt8]
    var sideFiles: [String: [UInt8]] = [:]
}

/// The valid files the dataset fuzz tests start from, and the tokens spliced into them: small
/// (tens of rows) so each mutated case loads in microseconds, but using every feature of their
/// format (ids, groups, quoting, multi-label, explicit negatives, float64, version 2 headers).
enum FuzzSeedFiles {
    static let concepts = ["cat", "dog", "eel"]
    static let rows = 30

    static func value(_ row: Int, _ feature: Int) -> Float {
        Float((row * 37 + feature * 11) % 97) / 8 - 6
    }

    static var csvExclusive: FuzzFile {
        var lines = ["id,f0,f1,\"f 2\",group,label"]
        for row in 0..<rows {
            let cells = (0..<3).map { "\(value(row, $0))" }.joined(separator: ",")
            let id = row % 7 == 0 ? "\"row, \(row)\"" : "r\(row)"
            lines.append("\(id),\(cells),g\(row % 5),\(concepts[row % 3])")
        }
        return FuzzFile(format: "csv", bytes: Array((lines.joined(separator: "\r\n") + "\r\n").utf8))
    }

    static var csvMultiLabel: FuzzFile {
        var lines = ["f0,f1,labels"]
        for row in 0..<rows {
            let labels = row % 4 == 0 ? "" : "\(concepts[row % 3])|\(concepts[(row + 1) % 3])"
            lines.append("\(value(row, 0)),\(value(row, 1)),\(labels)")
        }
        return FuzzFile(format: "csv", bytes: Array(lines.joined(separator: "\n").utf8))
    }

    static var jsonl: FuzzFile {
        var lines: [String] = []
        for row in 0..<rows {
            let vector = (0..<3).map { "\(value(row, $0))" }.joined(separator: ",")
            var concept = "{\"id\":\"\(concepts[row % 3])\",\"name\":\"N\\u00e9\",\"value\":1}"
            if row % 5 == 0 { concept += ",{\"id\":\"\(concepts[(row + 1) % 3])\",\"value\":0}" }
            lines.append(
                "{\"id\":\"in-\(row)\",\"group\":\"g\(row % 4)\",\"data\":{\"concepts\":[\(concept)],"
                    + "\"embeddings\":[{\"vector\":[\(vector)],\"num_dimensions\":3}],\"metadata\":{\"k\":[1,{\"x\":null}]}}}")
        }
        return FuzzFile(format: "jsonl", bytes: Array(lines.joined(separator: "\n").utf8))
    }

    static func npy(float64: Bool, version: UInt8) -> FuzzFile {
        let values = (0..<rows).flatMap { row in (0..<4).map { value(row, $0) } }
        let data = float64 ? NPYBytes.float64(values.map(Double.init)) : NPYBytes.float32(values)
        let bytes = NPYBytes.file(descr: float64 ? "<f8" : "<f4", shape: "(\(rows), 4)", data: data, version: version)
        let labels = (0..<rows).map { row in row % 6 == 0 ? "\(concepts[row % 3])|eel" : concepts[row % 3] }
        return FuzzFile(format: "npy", bytes: bytes, sideFiles: [
            "labels.txt": Array((labels.joined(separator: "\n") + "\n").utf8),
            "ids.txt": Array((0..<rows).map { "id-\($0)" }.joined(separator: "\n").utf8),
        ])
    }

    static var all: [FuzzFile] {
        [csvExclusive, csvMultiLabel, jsonl, npy(float64: false, version: 1), npy(float64: true, version: 2)]
    }

    /// Numbers and words that stress number parsing and validation.
    static let numberTokens = [
        "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-Infinity", "1e39", "-1e39", "3.4028236e38", "1e-50", "-0",
        "0x1p128", "0x1.fffffep127", "1e999999999999", "1e-999999999999", "+.5", ".", "-", "e5", "1e", "1e+",
        "340282356779733661637539395458142568448", "0.000000000000000000000000000000000000000000001",
        String(repeating: "9", count: 400), "1." + String(repeating: "0", count: 5000) + "1",
        "4.7019774e-38", "1.17549435e-38", "\u{0}", "١٢٣",
    ]

    static let csvTokens = numberTokens + [
        "\"", "\"\"", ",", ",,", "\n", "\r", "\r\n", "\n\n", "|", "||", "label", "labels", "id", "group",
        "\"a\nb\"", "\u{FEFF}", "\u{0}\u{0}", "\"\"\"", " , ", "\t", "\u{FFFD}", "\u{1F408}",
    ]

    static let jsonTokens = numberTokens + [
        "{", "}", "[", "]", "\"", ":", ",", "null", "true", "\\", "\\u", "\\ud800", "\\udc00x", "\\u0000",
        "{\"id\":\"x\",\"value\":0}", "{\"id\":\"cat\",\"value\":2}", "\"vector\":[]", "\"vector\":[1,2]",
        "\"embeddings\":[]", "\"concepts\":null", "\"group\":7", "\"id\":\"\"", "\"id\":\"in-1\"",
        String(repeating: "[", count: 5000), String(repeating: "{\"a\":", count: 2000), "\n", "\r\n",
        "\u{FEFF}", "\u{7F}", "\"\u{1}\"",
    ]

    static let npyHeaderTokens = [
        "'shape': (", "(4611686018427387904, 4)", "(9223372036854775807, 9223372036854775807)",
        "(0, 9223372036854775807)", "(30,)", "(2, 3, 5)", "(-1, 4)", "(30, 0)", "()", "(30L, 4L)",
        "'<i4'", "'|u1'", "'<f2'", "'>f4'", "'>f8'", "'<c8'", "[('a', '<f4')]", "True", "False", "'fortran_order'",
        "'descr'", "{", "}", ",", "'", "\"", "\\", "99999999999999999999999", "\u{0}", "\n",
    ]
}
