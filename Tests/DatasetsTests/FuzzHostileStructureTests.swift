import Datasets
import Foundation
import Synchronization
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Files that are well-formed but built to make a reader allocate or loop far beyond their size.
/// Each once crashed or hung `crossfold dataset inspect`; each must now be loaded and refused (by
/// the reader or the validator, as that command does) in seconds.
@Suite(.serialized) struct FuzzHostileStructureTests {
    struct Case: Sendable {
        let name: String
        let format: String
        let text: String
        let expected: DatasetError.Rule
        /// Words the refusal must contain, showing it came before the expensive part.
        let mentions: String
    }

    static let caseCount = 4

    /// Case `index`, built on demand (they are megabytes of text; built on the watchdog thread).
    static func make(_ index: Int) -> Case {
        switch index {
        case 0:
            // An id column read as labels: 300,000 concepts of one input each (a 90 GB matrix).
            return Case(
                name: "every label different", format: "csv",
                text: "f0,label\n" + (0..<300_000).map { "\($0 % 7),x\($0)\n" }.joined(),
                expected: .tooFewInputs, mentions: "300000 concepts for 300000 inputs")
        case 1:
            // One cell naming 200,000 concepts (quadratic: over a minute before the fix).
            return Case(
                name: "one row, many labels", format: "csv",
                text: "f0,labels\n1," + (0..<200_000).map { "c\($0)" }.joined(separator: "|") + "\n2,a\n",
                expected: .tooFewInputs, mentions: "concept")
        case 2:
            // 60,000 explicit negatives then 60,000 positives in one input (quadratic before the fix).
            let concepts = (0..<60_000).map { "{\"id\":\"n\($0)\",\"value\":0}" } + (0..<60_000).map { "{\"id\":\"p\($0)\"}" }
            return Case(
                name: "negatives then positives", format: "jsonl",
                text: "{\"id\":\"a\",\"data\":{\"concepts\":[\(concepts.joined(separator: ","))],\"embeddings\":[{\"vector\":[1,2]}]}}\n",
                expected: .tooFewInputs, mentions: "concept")
        default:
            // Every concept has 10 positives, but rows × concepts is more than half this machine's memory.
            let count = Int(Double(Self.physicalMemory / 2).squareRoot()) + 1_000
            return Case(
                name: "dense beyond memory", format: "csv",
                text: "f0,labels\n" + (0..<count).map { row in
                    "\(row % 3)," + (0..<10).map { "c\((row * 10 + $0) % count)" }.joined(separator: "|") + "\n"
                }.joined(),
                expected: .tooLarge, mentions: "\(count) inputs × \(count) concepts")
        }
    }

    static var physicalMemory: Int {
        sysconf(Int32(_SC_PHYS_PAGES)) * sysconf(Int32(_SC_PAGESIZE))
    }

    /// One heavy test at a time (`ExclusiveTests`); the limit includes waiting for the others.
    @Test(.timeLimit(.minutes(15)))
    func filesAskingForQuadraticWorkOrMemoryAreRefusedInSeconds() async throws {
        try await ExclusiveTests.run { try await runFilesAskingForQuadraticWorkOrMemoryAreRefusedInSeconds() }
    }

    private func runFilesAskingForQuadraticWorkOrMemoryAreRefusedInSeconds() async throws {
        let scratch = try Scratch()
        let directory = scratch.directory
        let outcomes = Mutex<[Int: (name: String, error: DatasetError?, expected: DatasetError.Rule, mentions: String)]>([:])
        // Each case is built, written, loaded and validated on the watchdog's thread; only the
        // load and validation count against the time bound in practice (building takes a second).
        let report = await FuzzWatchdog.run(count: Self.caseCount, limit: .seconds(30)) { index in
            let fuzzCase = Self.make(index)
            let path = "\(directory)/case-\(index).\(fuzzCase.format)"
            let error: DatasetError?
            do throws(DatasetError) {
                guard FileManager.default.createFile(atPath: path, contents: Data(fuzzCase.text.utf8)) else {
                    throw DatasetError(.unwritable, file: path, "cannot write the case", fix: "")
                }
                let dataset = try DatasetReader.load(path: path)
                _ = try DatasetValidator.validate(dataset, file: path)
                error = nil
            } catch let caught {
                error = caught
            }
            outcomes.withLock { $0[index] = (fuzzCase.name, error, fuzzCase.expected, fuzzCase.mentions) }
        }
        if let hung = report.hung { Issue.record("hostile structure case \(hung) ran past 30 s") }
        #expect(report.completed == Self.caseCount)
        for (_, outcome) in outcomes.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            #expect(outcome.error?.rule == outcome.expected, "\(outcome.name): \(outcome.error.map { "\($0)" } ?? "loaded")")
            #expect(outcome.error?.message.contains(outcome.mentions) == true, "\(outcome.name): \(outcome.error?.message ?? "")")
        }
        print("fuzz datasets: hostile structures built and loaded in \(report.elapsed), slowest case \(report.slowest.index) "
              + "\(report.slowest.time)")
    }
}
