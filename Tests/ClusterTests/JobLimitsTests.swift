import Cluster
import Datasets
@testable import Evaluation
import JSON
import Testing
import TestSupport
import Wire

/// A job whose result could not be sent, or whose result the coordinator's memory could not hold,
/// is refused before it runs, not after its last fold.
@Suite struct JobLimitsTests {
    /// Concept ids of `count` concepts in canonical order, `concept-0000` and on.
    static func conceptIDs(_ count: Int) -> [String] {
        (0..<count).map { index in
            let digits = String(index)
            return "concept-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
    }

    @Test func theSmallestEntryIsAnEntryWithSingleDigitNumbers() throws {
        let ids = ["a", "é", "concept \"quoted\""]
        let zero = ThresholdCounts(truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0)
        let row = CrossfoldReport.FoldRow(
            repeatIndex: 0, fold: 0, rowCount: 0,
            macro: MacroValues(rocAUC: 0, averagePrecision: 0, f1: 0, precision: 0, recall: 0), worker: "", seconds: 0,
            concepts: ids.map {
                CrossfoldReport.FoldConcept(concept: $0, positives: 0, negatives: 0, counts: zero, rocAUC: 0, averagePrecision: 0)
            })
        let smallest = try SortedJSONEncoder(pretty: false).encode(CrossfoldReport.json(row)).count
        #expect(CrossfoldReport.minimumFoldBytes(conceptIDs: ids) == smallest + 1)
        // A real entry (numbers of many digits, a worker id, nulls) is longer.
        let counts = ThresholdCounts(truePositives: 123, falsePositives: 7, falseNegatives: 19, trueNegatives: 4_321)
        let real = CrossfoldReport.FoldRow(
            repeatIndex: 12, fold: 3, rowCount: 4_470,
            macro: MacroValues(rocAUC: 0.987654321, averagePrecision: nil, f1: 0.5, precision: 1, recall: 0.25),
            worker: "006b8b4567", seconds: 0.0421,
            concepts: ids.map {
                CrossfoldReport.FoldConcept(
                    concept: $0, positives: 142, negatives: 4_328, counts: counts, rocAUC: nil, averagePrecision: 0.75)
            })
        #expect(try SortedJSONEncoder(pretty: false).encode(CrossfoldReport.json(real)).count > smallest)
    }

    @Test func aResultThatCannotFitIsRefusedWithTheMostTasksThatCould() throws {
        // Two concepts: a million tasks fit (a real one made 521 MB of JSON, docs/PERFORMANCE.md).
        #expect(JobLimits.resultRefusal(tasks: 1_000_000, conceptIDs: ["cat", "dog"]) == nil)
        let ids = Self.conceptIDs(300)
        let perTask = CrossfoldReport.minimumFoldBytes(conceptIDs: ids)
        let most = ClientReply.maxMetricsBytes / perTask
        #expect(JobLimits.resultRefusal(tasks: most, conceptIDs: ids) == nil)
        let refusal = try #require(JobLimits.resultRefusal(tasks: most + 1, conceptIDs: ids))
        #expect(refusal.contains("\(most + 1) tasks over 300 concepts"))
        #expect(refusal.contains("use at most \(most) tasks"))
        #expect(JobLimits.resultRefusal(tasks: .max, conceptIDs: ids)?.contains("too many MiB") == true)
    }

    /// 20,000 tasks over 300 concepts would have computed every fold and then failed, its per-fold
    /// section well past 512 MiB. The coordinator refuses it at SUBMIT; the same plan over 30
    /// concepts is accepted.
    @Test(arguments: [(300, false), (30, true)])
    func aSubmissionWhoseResultCannotFitIsRefusedBeforeItRuns(concepts: Int, accepted: Bool) throws {
        let rows = 400
        let dataset = Dataset(
            featureCount: 1, features: (0..<rows).map { Float($0) }, concepts: Self.conceptIDs(concepts),
            labels: (0..<rows).flatMap { row in (0..<concepts).map { UInt8(row % concepts == $0 ? 1 : 0) } },
            ids: (0..<rows).map { "row-\($0)" }, isMultiLabel: false)
        let (bytes, hash) = WorkerFixtures.canonical(dataset)
        let registry = DatasetRegistry()
        registry.register(hash: hash, bytes: bytes, dataset: try CanonicalDataset.decode(bytes, file: "many.cfds"))
        // Memory enough for either, so that only the result's size decides.
        let core = DrivenCore(registry: registry, software: "limits", memoryBytes: 1 << 40)
        let spec = JobSpec(dataset: hash, datasetName: "many.cfds", split: "random", folds: 20, repeats: 1_000,
                           seed: 1, model: "centroid", params: [:], threshold: 0.5)
        let outputs = core.handle(.client(PeerID([1]), .submit(request: "r", spec: spec)), now: .zero)
        let refusal = FuzzRegressionTests.refusal(outputs)
        if accepted {
            #expect(refusal == nil, "\(String(describing: refusal))")
            #expect(outputs.contains { if case .toClient(_, .submitted) = $0 { true } else { false } })
        } else {
            #expect(refusal?.code == "usage")
            #expect(refusal?.message.contains("20000 tasks over 300 concepts need at least") == true,
                    "\(String(describing: refusal))")
        }
    }

    @Test func aJobMayHaveAsManyTasksAsHalfTheCoordinatorsMemoryHolds() throws {
        let memory = 24 << 30
        for concepts in [1, 2, 20, 1_000] {
            let perTask = JobLimits.coordinatorBytesPerTask(concepts: concepts)
            let most = (memory / 2) / perTask
            #expect(JobLimits.memoryRefusal(tasks: most, concepts: concepts, memoryBytes: memory) == nil)
            let refusal = try #require(JobLimits.memoryRefusal(tasks: most + 1, concepts: concepts, memoryBytes: memory))
            #expect(refusal.contains("\(most + 1) tasks over \(concepts) concepts need about"), "\(refusal)")
            #expect(refusal.contains("more than half of the 24.0 GiB it may use"), "\(refusal)")
            #expect(refusal.contains("use at most \(most) tasks"), "\(refusal)")
        }
        // What was measured: a million tasks over 2 concepts on this 24 GiB host (a 5.30 GiB peak).
        #expect(JobLimits.memoryRefusal(tasks: 1_000_000, concepts: 2, memoryBytes: memory) == nil)
        #expect(JobLimits.memoryRefusal(tasks: 1_000_000, concepts: 2, memoryBytes: 4 << 30) != nil)
        #expect(JobLimits.memoryRefusal(tasks: .max, concepts: 2, memoryBytes: memory)?.contains("need about too many bytes") == true)
        let small = try #require(JobLimits.memoryRefusal(tasks: 100_000, concepts: 2, memoryBytes: 512 << 20))
        #expect(small.contains("need about 537 MiB in the coordinator"), "\(small)")
        #expect(small.contains("(about 5.5 KiB a task), more than half of the 512 MiB it may use"), "\(small)")
        #expect(JobLimits.memoryRefusal(tasks: 1, concepts: 2, memoryBytes: 0) != nil)
    }

    /// The same SUBMIT is refused by a coordinator with 64 MiB and accepted by one with 1 GiB.
    @Test(arguments: [(64 << 20, false), (1 << 30, true)])
    func aSubmissionIsRefusedWhenTheCoordinatorsMemoryCannotHoldItsResult(memory: Int, accepted: Bool) throws {
        let iris = try WorkerExamples.iris()
        let registry = DatasetRegistry()
        registry.register(hash: iris.hash, bytes: iris.bytes, dataset: iris.dataset)
        let core = DrivenCore(registry: registry, software: "limits", memoryBytes: memory)
        let spec = JobSpec(dataset: iris.hash, datasetName: "iris.jsonl", split: "random", folds: 10, repeats: 1_000,
                           seed: 1, model: "centroid", params: [:], threshold: 0.5)
        let outputs = core.handle(.client(PeerID([1]), .submit(request: "r", spec: spec)), now: .zero)
        let refusal = FuzzRegressionTests.refusal(outputs)
        if accepted {
            #expect(refusal == nil, "\(String(describing: refusal))")
        } else {
            #expect(refusal?.code == "usage")
            #expect(refusal?.message.contains("10000 tasks over 3 concepts need about") == true, "\(String(describing: refusal))")
            #expect(refusal?.message.contains("run the coordinator where it has more memory") == true)
        }
    }

    /// Unfinished jobs count against the same half: a second job gets what the first leaves.
    @Test func whatUnfinishedJobsWillNeedIsTakenFromTheHalf() throws {
        let memory = 1 << 30
        let perTask = JobLimits.coordinatorBytesPerTask(concepts: 2)
        let held = (bytes: 300 << 20, jobs: 2)
        let most = ((memory / 2) - held.bytes) / perTask
        #expect(JobLimits.memoryRefusal(tasks: most, concepts: 2, memoryBytes: memory, held: held) == nil)
        let refusal = try #require(JobLimits.memoryRefusal(tasks: most + 1, concepts: 2, memoryBytes: memory, held: held))
        #expect(refusal.contains("more than half of the 1.0 GiB it may use, less the 300 MiB that 2 unfinished jobs will need"), "\(refusal)")
        #expect(refusal.contains("use at most \(most) tasks"), "\(refusal)")
        #expect(refusal.contains("wait for the other jobs to finish"), "\(refusal)")
        #expect(JobLimits.memoryRefusal(tasks: 1, concepts: 2, memoryBytes: memory, held: (.max, 1)) != nil)
    }

    /// On a core that may use 1 GiB, iris (3 concepts) allows 69,905 tasks: a first job of 40,000
    /// is accepted, a second of 40,000 is refused while the first runs, and one of 20,000 fits.
    @Test func aSecondJobGetsWhatTheFirstLeaves() throws {
        let iris = try WorkerExamples.iris()
        let registry = DatasetRegistry()
        registry.register(hash: iris.hash, bytes: iris.bytes, dataset: iris.dataset)
        let core = DrivenCore(registry: registry, software: "limits", memoryBytes: 1 << 30)
        func submit(_ request: String, repeats: Int) -> ErrorReply? {
            let spec = JobSpec(dataset: iris.hash, datasetName: "iris.jsonl", split: "random", folds: 10, repeats: repeats,
                               seed: 1, model: "centroid", params: [:], threshold: 0.5)
            return FuzzRegressionTests.refusal(core.handle(.client(PeerID([1]), .submit(request: request, spec: spec)), now: .zero))
        }
        #expect(submit("first", repeats: 4_000) == nil)
        let second = submit("second", repeats: 4_000)
        #expect(second?.message.contains("less the 292 MiB that 1 unfinished job will need") == true, "\(String(describing: second))")
        #expect(second?.message.contains("use at most 29905 tasks") == true, "\(String(describing: second))")
        #expect(submit("third", repeats: 2_000) == nil)
    }
}
