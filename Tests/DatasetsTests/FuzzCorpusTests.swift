import Datasets
import Foundation
import Synchronization
import Testing
import TestSupport

/// The corpus of hostile dataset files (Tests/DatasetsTests/Corpus, described in its README):
/// each file is named `NAME.EXPECTED.EXT`, EXPECTED being `valid` or the rule it must be refused
/// with. Every file is loaded in process and through `crossfold dataset inspect`.
@Suite struct FuzzCorpusTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus").path

    struct Entry: Sendable, CustomStringConvertible {
        let name: String
        let expected: FuzzDatasetOutcome
        var path: String { "\(FuzzCorpusTests.directory)/\(name)" }
        var description: String { name }
    }

    /// The corpus files (side files of `.npy` matrices aside) with their expected outcome.
    static func entries() throws -> [Entry] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        return try names.compactMap { name -> Entry? in
            let parts = name.split(separator: ".")
            guard parts.count >= 3, ["csv", "jsonl", "ndjson", "npy", "cfds"].contains(parts[parts.count - 1]) else { return nil }
            let tag = String(parts[parts.count - 2])
            if tag == "valid" { return Entry(name: name, expected: .valid) }
            let rule = try #require(DatasetError.Rule(rawValue: tag), "\(name): \(tag) is neither valid nor a rule")
            return Entry(name: name, expected: .rejected(rule))
        }
    }

    @Test func everyCorpusFileHasTheOutcomeItsNameStates() async throws {
        let entries = try Self.entries()
        #expect(entries.count >= 100)
        let results = Mutex<[(Entry, FuzzDatasetOutcome, String?)]>([])
        let report = await FuzzWatchdog.run(count: entries.count, limit: .seconds(10)) { index in
            let (outcome, problem) = FuzzDatasetOutcome.evaluate(path: entries[index].path)
            results.withLock { $0.append((entries[index], outcome, problem)) }
        }
        if let hung = report.hung { Issue.record("\(entries[hung]) ran past 10 s") }
        #expect(report.completed == entries.count)
        for (entry, outcome, problem) in results.withLock({ $0 }) {
            #expect(outcome == entry.expected, "\(entry)")
            #expect(problem == nil, "\(entry): \(problem ?? "")")
        }
        // Every kind of refusal a reader can give is represented.
        let rules = Set(entries.compactMap { if case .rejected(let rule) = $0.expected { rule } else { nil } })
        let expectedRules: Set<DatasetError.Rule> = [
            .unreadable, .unknownFormat, .malformed, .missingField, .notANumber, .nonFinite, .raggedRow, .duplicateId,
            .missingLabel, .empty, .tooFewConcepts, .tooFewInputs,
        ]
        #expect(expectedRules.isSubset(of: rules), "missing: \(expectedRules.subtracting(rules))")
    }

    @Test(.timeLimit(.minutes(3)))
    func theCommandLineExits65NamingTheRuleForEveryRefusedCorpusFile() async throws {
        let binary = try #require(FuzzCommandLine.binary, "build the crossfold executable first (swift build)")
        for entry in try Self.entries() {
            let run = try await FuzzCommandLine.run(binary, ["dataset", "inspect", entry.path], limit: .seconds(30))
            switch entry.expected {
            case .valid:
                #expect(run.status == 0, "\(entry): \(run.standardError)")
            case .rejected(let rule):
                #expect(run.status == 65, "\(entry): exit \(run.status)")
                #expect(run.standardError.contains("(rule \(rule.rawValue)"), "\(entry): \(run.standardError)")
            }
        }
    }

    /// The README describes every file, so the corpus stays readable.
    @Test func theReadmeNamesEveryCorpusFile() throws {
        let readme = try String(contentsOfFile: "\(Self.directory)/README.md", encoding: .utf8)
        for entry in try Self.entries() {
            let stem = entry.name.split(separator: ".").first.map(String.init) ?? entry.name
            #expect(readme.contains("`\(stem)`"), "README.md does not describe \(entry.name)")
        }
    }
}
