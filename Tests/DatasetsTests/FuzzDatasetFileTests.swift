import Datasets
import Foundation
import Synchronization
import Testing
import TestSupport

/// Hostile dataset files: seeded mutations of valid CSV, JSONL and NPY files (bit flips,
/// truncations, quotes, newlines and NULs, huge numbers, "nan", deep nesting, overlong lines, NPY
/// headers that lie). Each must load or throw `DatasetError`, never crash, and never take long.
///
/// `CROSSFOLD_FUZZ_SEED` and `CROSSFOLD_FUZZ_CASES` replay or widen a run; a failure names the
/// case number, which with the seed regenerates the file (`FuzzDatasetCase.make`).
@Suite(.serialized) struct FuzzDatasetFileTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["CROSSFOLD_FUZZ_SEED"] ?? "") ?? 0xC0FFEE
    static let cases = Int(ProcessInfo.processInfo.environment["CROSSFOLD_FUZZ_CASES"] ?? "") ?? 6_000
    /// Far above the slowest case seen (a 4 MB line of digits, well under a second on 2 cores).
    static let limit: Duration = .seconds(10)

    /// One heavy test at a time (`ExclusiveTests`); the limit includes waiting for the others.
    @Test(.timeLimit(.minutes(15)))
    func mutatedFilesLoadOrThrowADatasetErrorWithinTheTimeBound() async throws {
        try await ExclusiveTests.run { try await runMutatedFilesLoadOrThrowADatasetErrorWithinTheTimeBound() }
    }

    private func runMutatedFilesLoadOrThrowADatasetErrorWithinTheTimeBound() async throws {
        let scratch = try Scratch()
        let directory = scratch.directory
        let (seed, count) = (Self.seed, Self.cases)
        let tally = Mutex(FuzzTally())
        let problems = Mutex<[String]>([])
        // The smallest case of each format and outcome, for CROSSFOLD_FUZZ_EXPORT.
        let smallest = Mutex<[String: (index: Int, size: Int)]>([:])
        let report = await FuzzWatchdog.run(count: count, limit: Self.limit) { index in
            let fuzzCase = FuzzDatasetCase.make(seed: seed, index: index)
            do {
                let path = try fuzzCase.write(into: directory)
                let (outcome, problem) = FuzzDatasetOutcome.evaluate(path: path)
                fuzzCase.remove(from: directory)
                tally.withLock { $0.add(format: fuzzCase.file.format, outcome) }
                let key = "\(fuzzCase.file.format) \(outcome)"
                let size = fuzzCase.file.bytes.count + fuzzCase.file.sideFiles.values.reduce(0) { $0 + $1.count }
                smallest.withLock { if size < $0[key]?.size ?? Int.max { $0[key] = (index, size) } }
                if let problem { problems.withLock { $0.append("\(fuzzCase.summary): \(problem)") } }
            } catch {
                problems.withLock { $0.append("\(fuzzCase.summary): cannot write the case: \(error)") }
            }
        }
        if let hung = report.hung {
            Issue.record("seed \(seed): \(FuzzDatasetCase.make(seed: seed, index: hung).summary) ran past \(Self.limit)")
        }
        for problem in problems.withLock({ $0 }).prefix(20) { Issue.record("seed \(seed): \(problem)") }
        #expect(report.completed == count)
        if let export = ProcessInfo.processInfo.environment["CROSSFOLD_FUZZ_EXPORT"] {
            try Self.export(smallest.withLock { $0 }, seed: seed, to: export)
        }
        let counts = tally.withLock { $0 }
        print("fuzz datasets: seed \(seed), \(report.completed) files in \(report.elapsed), slowest case \(report.slowest.index) "
              + "\(report.slowest.time); \(counts.description)")
        // The mutations must reach both sides: files that still load and every kind of refusal.
        for format in ["csv", "jsonl", "npy"] {
            let outcomes = counts.counts[format] ?? [:]
            #expect((outcomes["valid"] ?? 0) > 0, "no \(format) case stayed valid")
            #expect(outcomes.keys.count >= 4, "\(format) cases reached only \(outcomes.keys.sorted())")
        }
    }

    /// Writes the smallest case of each format and outcome as `fuzz-FORMAT-INDEX.OUTCOME.EXT` (the
    /// corpus's naming), for adding to Tests/DatasetsTests/Corpus.
    static func export(_ cases: [String: (index: Int, size: Int)], seed: UInt64, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (key, found) in cases {
            let fuzzCase = FuzzDatasetCase.make(seed: seed, index: found.index)
            let outcome = key.split(separator: " ").last.map(String.init) ?? "valid"
            let stem = "\(directory)/fuzz-\(fuzzCase.file.format)-\(found.index).\(outcome)"
            try Data(fuzzCase.file.bytes).write(to: URL(fileURLWithPath: "\(stem).\(fuzzCase.file.format)"))
            for (suffix, bytes) in fuzzCase.file.sideFiles {
                try Data(bytes).write(to: URL(fileURLWithPath: "\(stem).\(suffix)"))
            }
            try Data((fuzzCase.summary + "\n").utf8).write(to: URL(fileURLWithPath: "\(stem).steps"))
        }
    }

    /// The command line reports a sample of the same files as the library does: exit 0 for the
    /// valid ones, 65 naming the rule for the others.
    /// One heavy test at a time (`ExclusiveTests`); the limit includes waiting for the others.
    @Test(.timeLimit(.minutes(15)))
    func theCommandLineExits65NamingTheRuleOnASampleOfMutatedFiles() async throws {
        try await ExclusiveTests.run { try await runTheCommandLineExits65NamingTheRuleOnASampleOfMutatedFiles() }
    }

    private func runTheCommandLineExits65NamingTheRuleOnASampleOfMutatedFiles() async throws {
        let binary = try #require(FuzzCommandLine.binary, "build the crossfold executable first (swift build)")
        let scratch = try Scratch()
        var checked = 0
        var exits: [Int32: Int] = [:]
        for index in 0..<120 {
            // Spread over the run: every format, small and overlong cases alike.
            let (seed, directory) = (Self.seed, scratch.directory)
            let (fuzzCase, path, outcome) = try await DedicatedThread.run {
                let fuzzCase = FuzzDatasetCase.make(seed: seed, index: index * 83)
                let path = try fuzzCase.write(into: directory)
                return (fuzzCase, path, FuzzDatasetOutcome.evaluate(path: path).outcome)
            }
            let run = try await FuzzCommandLine.run(binary, ["dataset", "inspect", path], limit: .seconds(30))
            checked += 1
            exits[run.status, default: 0] += 1
            switch outcome {
            case .valid:
                #expect(run.status == 0, "\(fuzzCase.summary): \(run.standardError)")
            case .rejected(let rule):
                #expect(run.status == 65, "\(fuzzCase.summary): exit \(run.status), \(run.standardError)")
                #expect(run.standardError.contains("(rule \(rule.rawValue)"), "\(fuzzCase.summary): \(run.standardError)")
            }
            fuzzCase.remove(from: scratch.directory)
        }
        print("fuzz datasets: command line on \(checked) files, exit codes \(exits.sorted { $0.key < $1.key })")
        #expect((exits[65] ?? 0) > 0 && (exits[0] ?? 0) > 0)
    }
}
