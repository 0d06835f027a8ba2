@testable import crossfold
import Foundation
import Testing
import TestSupport

/// The exit codes live in one place (ExitStatus.swift); `crossfold --help` and README.md show that
/// table, word for word.
@Suite struct ExitCodeTableTests {
    /// `(code, meaning)` pairs of the code, in order.
    static let expected = ExitStatus.allCases.map { ($0.rawValue, $0.meaning) }

    /// The rows of the README's "Exit codes" table: `| code | meaning |`.
    static func readmeRows() throws -> [(Int32, String)] {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = readme.components(separatedBy: "### Exit codes").dropFirst().first ?? ""
        return section.split(separator: "\n").prefix { !$0.hasPrefix("#") }.compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2, let code = Int32(cells[0]) else { return nil }
            return (code, cells[1])
        }
    }

    /// The rows after "Exit codes" in `crossfold --help`, unwrapped.
    static func helpRows(_ help: String) -> [(Int32, String)] {
        let section = help.components(separatedBy: "Exit codes (every command):").dropFirst().first ?? ""
        var rows: [(Int32, String)] = []
        for line in section.split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
            if line.isEmpty || line.hasPrefix("USAGE:") { break }
            let words = line.split(separator: " ", maxSplits: 1)
            if let first = words.first, let code = Int32(first), words.count == 2 {
                rows.append((code, String(words[1]).trimmingCharacters(in: .whitespaces)))
            } else if let last = rows.popLast() {
                rows.append((last.0, last.1 + " " + line.trimmingCharacters(in: .whitespaces)))
            }
        }
        return rows
    }

    @Test func readmeTableIsTheCodesTable() throws {
        let rows = try Self.readmeRows()
        #expect(rows.map(\.0) == Self.expected.map(\.0))
        #expect(rows.map(\.1) == Self.expected.map(\.1))
    }

    @Test func topLevelHelpPrintsTheCodesTable() async throws {
        let run = try await crossfold(["--help"], in: try CLIWorkspace())
        #expect(run.exitCode == 0, "\(run)")
        let rows = Self.helpRows(run.standardOutput)
        #expect(rows.map(\.0) == Self.expected.map(\.0), "\(run)")
        #expect(rows.map(\.1) == Self.expected.map(\.1), "\(run)")
        // Each meaning fits on one line of an 80-column terminal.
        for line in ExitStatus.table.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
    }

    @Test func codesAreDistinctAndSysexitsWhereTheyShareANumber() {
        let codes = ExitStatus.allCases.map(\.rawValue)
        #expect(Set(codes).count == codes.count)
        // sysexits.h: EX_USAGE 64, EX_DATAERR 65, EX_NOINPUT 66, EX_UNAVAILABLE 69, EX_SOFTWARE 70, EX_CANTCREAT 73,
        // EX_IOERR 74, EX_TEMPFAIL 75.
        #expect(ExitStatus.usage.rawValue == 64 && ExitStatus.invalidDataset.rawValue == 65)
        #expect(ExitStatus.notFound.rawValue == 66 && ExitStatus.unavailable.rawValue == 69)
        #expect(ExitStatus.evaluationFailed.rawValue == 70 && ExitStatus.cannotWrite.rawValue == 73)
        #expect(ExitStatus.fileCutShort.rawValue == 74 && ExitStatus.notFinished.rawValue == 75)
    }
}
