import Foundation
import Testing
import TestSupport

/// Invalid datasets stop `evaluate` before any fold runs: exit 65, nothing on standard output, no
/// results file, and one error line naming the file, the line or row, and the rule.
@Suite struct InvalidDatasetTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// Files to write: name and contents.
        let files: [String: Data]
        let dataset: String
        /// What the error line must contain: the place (`file:line:` or `file: row ...`), the rule,
        /// and what else identifies the problem.
        let expected: [String]

        var testDescription: String { name }
    }

    /// `id,label,f0,f1` rows, `counts` inputs per concept in order, features a deterministic
    /// function of the row number. Line n of the file is row n - 2.
    static func csvLines(_ counts: [(String, Int)]) -> [String] {
        var lines = ["id,label,f0,f1"]
        var row = 0
        for (concept, count) in counts {
            for _ in 0..<count {
                lines.append("r\(row),\(concept),\(Double(row % 7) / 7),\(Double(row % 5) / 5 + 0.25)")
                row += 1
            }
        }
        return lines
    }

    static func csv(_ counts: [(String, Int)], edit: (inout [String]) -> Void = { _ in }) -> Data {
        var lines = csvLines(counts)
        edit(&lines)
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// Replaces cell `column` of file line `line` (1-based).
    static func replacing(line: Int, column: Int, with text: String) -> (inout [String]) -> Void {
        { lines in
            var cells = lines[line - 1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[column] = text
            lines[line - 1] = cells.joined(separator: ",")
        }
    }

    /// A JSONL dataset of Clarifai inputs, 20 of each concept, 3-wide embeddings; the input on
    /// file line `shortLine` has only 2.
    static func jsonl(shortLine: Int) -> Data {
        let lines = (0..<40).map { row in
            let width = row + 1 == shortLine ? 2 : 3
            let vector = (0..<width).map { "\(Double((row + $0) % 9) / 9)" }.joined(separator: ",")
            let concept = row < 20 ? "cat" : "dog"
            return #"{"id":"in-\#(row)","data":{"concepts":[{"id":"\#(concept)","value":1}],"embeddings":[{"vector":[\#(vector)]}]}}"#
        }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// A little-endian float32 C-order NPY file of `rows` x `columns`.
    static func npy(rows: Int, columns: Int, value: (Int, Int) -> Float) -> Data {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        // Magic (6) + version (2) + length (2) + header, padded with spaces to 64 bytes, ending "\n".
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for row in 0..<rows {
            for column in 0..<columns {
                withUnsafeBytes(of: value(row, column).bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    static let cases: [Case] = [
        Case(name: "one concept", files: ["one-concept.csv": csv([("cat", 30)])], dataset: "one-concept.csv",
             expected: ["one-concept.csv: ", "1 concept", "\"cat\"", "rule too-few-concepts", "21315"]),
        Case(name: "a concept with 9 inputs", files: ["nine.csv": csv([("cat", 20), ("dog", 9)])], dataset: "nine.csv",
             expected: ["nine.csv: ", "concept \"dog\" has 9 positive inputs", "rule too-few-inputs-per-concept", "21316"]),
        Case(name: "a ragged row", files: ["ragged.csv": csv([("cat", 20), ("dog", 20)]) { $0[5] += ",0.5" }],
             dataset: "ragged.csv", expected: ["ragged.csv:6: ", "expected 2 features, found 3", "rule ragged-row"]),
        Case(name: "NaN", files: ["nan.csv": csv([("cat", 20), ("dog", 20)], edit: replacing(line: 8, column: 3, with: "NaN"))],
             dataset: "nan.csv", expected: ["nan.csv:8: ", "\"f1\" is NaN", "rule non-finite-value"]),
        Case(name: "a duplicate id", files: ["dup.csv": csv([("cat", 20), ("dog", 20)], edit: replacing(line: 13, column: 0, with: "r3"))],
             dataset: "dup.csv", expected: ["dup.csv:13: ", "id \"r3\" is already used on line 5", "rule duplicate-id"]),
        Case(name: "a JSONL input with a shorter embedding", files: ["short.jsonl": jsonl(shortLine: 18)], dataset: "short.jsonl",
             expected: ["short.jsonl:18: ", "expected 3 features, found 2", "rule ragged-row"]),
        Case(name: "an NPY matrix holding infinity",
             files: [
                 "inf.npy": npy(rows: 40, columns: 3) { row, column in
                     row == 23 && column == 1 ? .infinity : Float((row * 3 + column) % 11) / 11
                 },
                 "inf.labels.txt": Data(((0..<40).map { $0 < 20 ? "cat" : "dog" }.joined(separator: "\n") + "\n").utf8),
             ],
             dataset: "inf.npy", expected: ["inf.npy: row 23, column 1", "infinity", "rule non-finite-value"]),
    ]

    @Test(arguments: cases)
    func invalidDatasetExits65NamingThePlaceAndTheRule(_ invalid: Case) async throws {
        let workspace = try CLIWorkspace()
        for (name, contents) in invalid.files { try workspace.write(name, data: contents) }
        let run = try await crossfold(["evaluate", invalid.dataset, "--json", "r.json", "--predictions", "p.csv"],
                                      in: workspace)
        #expect(run.exitCode == 65, "\(run)")
        #expect(run.standardOutput.isEmpty, "\(run)")
        let errors = run.standardErrorLines.filter { $0.hasPrefix("crossfold: error: ") }
        #expect(errors.count == 1, "\(run)")
        for fragment in invalid.expected {
            #expect(errors.first?.contains(fragment) == true, "missing \(fragment.debugDescription) in \(run)")
        }
        #expect(!workspace.exists("r.json") && !workspace.exists("p.csv"), "no results for an invalid dataset")
    }
}
