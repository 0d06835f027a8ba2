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

    static var cases: [Case] {
        var cases: [Case] = []
        // An id column read as labels: 300,000 concepts of one input each (a 90 GB matrix).
        cases.append(Case(
            name: "every label different", format: "csv",
            text: "f0,label\n" + (0..<300_000).map { "\($0 % 7),x\($0)\n" }.joined(),
            expected: .tooFewInputs, mentions: "300000 concepts for 300000 inputs"))
        // One cell naming 200,000 concepts (quadratic: over a minute before the fix).
        cases.append(Case(
            name: "one row, many labels", format: "csv",
            text: "f0,labels\n1," + (0..<200_000).map { "c\($0)" }.joined(separator: "|") + "\n2,a\n",
            expected: .tooFewInputs, mentions: "concept"))
        // 60,000 explicit negatives then 60,000 positives in one input (quadratic before the fix).
        let concepts = (0..<60_000).map { "{\"id\":\"n\($0)\",\"value\":0}" } + (0..<60_000).map { "{\"id\":\"p\($0)\"}" }
        cases.append(Case(
            name: "negatives then positives", format: "jsonl",
            text: "{\"id\":\"a\",\"data\":{\"concepts\":[\(concepts.joined(separator: ","))],\"embeddings\":[{\"vector\":[1,2]}]}}\n",
            expected: .tooFewInputs, mentions: "concept"))
        // Every concept has 10 positives, but rows × concepts is more than half this machine's memory.
        let count = Int(Double(Self.physicalMemory / 2).squareRoot()) + 1_000
        cases.append(Case(
            name: "dense beyond memory", format: "csv",
            text: "f0,labels\n" + (0..<count).map { row in
                "\(row % 3)," + (0..<10).map { "c\((row * 10 + $0) % count)" }.joined(separator: "|") + "\n"
            }.joined(),
            expected: .tooLarge, mentions: "\(count) inputs × \(count) concepts"))
        return cases
    }

    static var physicalMemory: Int {
        sysconf(Int32(_SC_PHYS_PAGES)) * sysconf(Int32(_SC_PAGESIZE))
    }

    @Test(.timeLimit(.minutes(3)))
    func filesAskingForQuadraticWorkOrMemoryAreRefusedInSeconds() async throws {
        let scratch = try Scratch()
        let cases = Self.cases
        let paths = try cases.enumerated().map { index, fuzzCase in
            try scratch.write("case-\(index).\(fuzzCase.format)", fuzzCase.text)
        }
        let outcomes = Mutex<[Int: DatasetError?]>([:])
        let report = await FuzzWatchdog.run(count: cases.count, limit: .seconds(20)) { index in
            let error: DatasetError?
            do throws(DatasetError) {
                let dataset = try DatasetReader.load(path: paths[index])
                _ = try DatasetValidator.validate(dataset, file: paths[index])
                error = nil
            } catch let caught {
                error = caught
            }
            outcomes.withLock { $0[index] = error }
        }
        if let hung = report.hung { Issue.record("\(cases[hung].name) ran past 20 s") }
        for (index, fuzzCase) in cases.enumerated() {
            let error = outcomes.withLock { $0[index] ?? nil }
            #expect(error?.rule == fuzzCase.expected, "\(fuzzCase.name): \(error.map { "\($0)" } ?? "loaded")")
            #expect(error?.message.contains(fuzzCase.mentions) == true, "\(fuzzCase.name): \(error?.message ?? "")")
        }
        print("fuzz datasets: hostile structures loaded in \(report.elapsed), slowest \(cases[max(0, report.slowest.index)].name) "
              + "\(report.slowest.time)")
    }
}
