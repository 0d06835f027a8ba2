import Cluster
import Datasets
import Evaluation
import Foundation
import JSON
import Testing
import TestSupport
import Wire

/// A sweep is a job like any other: one job of configurations × folds tasks, each TASK carrying its
/// configuration, resumed after a restart without running a stored fold again.
@Suite struct SweepCoreTests {
    static let configurations = [
        ModelConfiguration(model: "centroid", params: ["temperature": "0.1"]),
        ModelConfiguration(model: "centroid", params: ["temperature": "1"]),
        ModelConfiguration(model: "knn", params: ["k": "3"]),
    ]

    static func sweep(_ h: StoreCoreHarness) -> JobSpec {
        var spec = h.spec(folds: 3)
        spec.model = JobSpec.sweepModel
        spec.params = [:]
        spec.configurations = configurations
        return spec
    }

    @Test func aSweepIsOneJobWhoseTasksCarryTheirConfigurationsAndResumesWithoutRerunningAStoredFold() throws {
        let directory = WorkerFixtures.scratchDirectory("sweep-restart")
        defer { WorkerFixtures.remove(directory) }
        let before = try StoreFixtures.open(directory)
        let first = StoreCoreHarness(store: before, registerDataset: false)
        try StoreRestartCoreTests.upload(first)
        _ = first.ready(slots: 4)
        let assigned = StoreCoreHarness.tasks(first.send(.client(first.client, .submit(request: "s1", spec: Self.sweep(first)))))
        try #require(!assigned.isEmpty)
        let job = assigned[0].task.job
        for (task, _) in assigned {
            let expected = Self.configurations[task.task / 3]
            #expect(task.model == expected.model && task.params == expected.params, "task \(task.task)")
            #expect(task.fold == task.task % 3 && task.repeatIndex == 0)
            // Centroid fits a repeat's folds from shared sums; knn does not.
            #expect((task.rowFolds != nil) == (expected.model == "centroid"))
        }
        let status = try #require(first.status(job))
        #expect(status.tasksTotal == 9 && status.configurations == 3 && status.model == JobSpec.sweepModel)
        for done in assigned.prefix(3) { _ = first.result(for: done.task, rows: done.rows) }
        let storedBefore = try before.results(of: job)
        #expect(storedBefore.count == 3)
        before.close()

        let after = try StoreFixtures.open(directory)
        defer { after.close() }
        let second = StoreCoreHarness(store: after, registerDataset: false)
        #expect(StoreCoreHarness.logs(second.resume()).contains("job resumed"))
        var outputs = second.ready(slots: 9)
        var ran: Set<Int> = []
        while true {
            let tasks = StoreCoreHarness.tasks(outputs)
            if tasks.isEmpty { break }
            outputs = []
            for task in tasks {
                #expect(storedBefore[task.task.task] == nil, "stored task \(task.task.task) ran again")
                #expect(task.task.model == Self.configurations[task.task.task / 3].model)
                ran.insert(task.task.task)
                outputs += second.result(for: task.task, rows: task.rows)
            }
            outputs += second.computeMetrics(in: outputs)
        }
        #expect(ran == Set(0..<9).subtracting(storedBefore.keys))
        #expect(second.status(job)?.state == .completed)
        let storedAfter = try after.results(of: job)
        for (task, result) in storedBefore { #expect(storedAfter[task] == result, "task \(task) kept its first result") }
        // The stored result: every configuration's EvalMetrics, in sweep order, and a predictions
        // section per configuration (one repeat each).
        let json = try #require(try after.metrics(of: job))
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(json))
        #expect(document["configurations"]?.arrayValue?.map { $0["model"]?.stringValue } == ["centroid", "centroid", "knn"])
        let predictions = try #require(try after.predictions(of: job))
        #expect(predictions.size == 64 + 3 * 4 * first.dataset.rowCount * (1 + 3))
    }

    @Test func aSweepBeyondWhatTheCoordinatorsMemoryHoldsOrWithADuplicateIsRefusedBeforeAnyWork() throws {
        let h = StoreCoreHarness(store: InMemoryJobStore())
        _ = h.ready(slots: 2)
        var duplicate = Self.sweep(h)
        duplicate.configurations = [Self.configurations[0], Self.configurations[0]]
        let refused = StoreCoreHarness.error(h.send(.client(h.client, .submit(request: "d", spec: duplicate))))
        #expect(refused?.message.contains("appears twice in the sweep") == true, "\(String(describing: refused))")
        var large = Self.sweep(h)
        large.folds = 50
        large.repeats = 10
        large.configurations = (1...201).map { ModelConfiguration(model: "knn", params: ["k": "\($0)"]) }
        let tooLarge = StoreCoreHarness.error(h.send(.client(h.client, .submit(request: "l", spec: large))))
        // Three concepts in the harness's 1 GiB (JobLimits.defaultMemoryBytes): 69,905 tasks.
        #expect(tooLarge?.message.contains("100500 tasks over 3 concepts need about") == true, "\(String(describing: tooLarge))")
        #expect(tooLarge?.message.contains("use at most 69905 tasks") == true, "\(String(describing: tooLarge))")
        var unknown = Self.sweep(h)
        unknown.configurations = [Self.configurations[0], ModelConfiguration(model: "knn", params: ["depth": "2"])]
        let bad = StoreCoreHarness.error(h.send(.client(h.client, .submit(request: "u", spec: unknown))))
        #expect(bad?.message.hasPrefix("configuration 'knn depth=2': ") == true, "\(String(describing: bad))")
    }

    /// Fair across jobs: a sweep is one job however many configurations it has, so a plain job
    /// submitted after it gets the next free slots (the scheduler serves the job with the fewest
    /// running tasks), not one slot in eight.
    @Test func aPlainJobSubmittedAfterASweepGetsTheNextFreeSlots() throws {
        let h = StoreCoreHarness(store: InMemoryJobStore())
        _ = h.ready(slots: 2)
        let sweepTasks = StoreCoreHarness.tasks(h.send(.client(h.client, .submit(request: "s", spec: Self.sweep(h)))))
        try #require(sweepTasks.count >= 2)
        let sweep = sweepTasks[0].task.job
        var plainSpec = h.spec(folds: 3)
        plainSpec.model = "knn"
        #expect(StoreCoreHarness.tasks(h.send(.client(h.client, .submit(request: "p", spec: plainSpec)))).isEmpty,
                "no slot free yet")
        var next: [(task: TaskAssignment, rows: Int)] = []
        for done in sweepTasks.filter({ $0.task.job == sweep }).prefix(2) {
            next += StoreCoreHarness.tasks(h.result(for: done.task, rows: done.rows))
        }
        let jobs = next.map(\.task.job)
        #expect(jobs.contains(sweep) && jobs.contains { $0 != sweep }, "the two jobs share the slots: \(jobs)")
    }

    /// A worker lost mid-sweep: its tasks go to the other worker, each still with its own
    /// configuration, and the sweep completes.
    @Test func theTasksOfALostWorkerGoElsewhereWithTheirConfigurations() throws {
        let h = StoreCoreHarness(store: InMemoryJobStore())
        let other = PeerID([0, 0, 0, 7])
        _ = h.ready(slots: 2)
        var outputs = h.send(.client(h.client, .submit(request: "s", spec: Self.sweep(h))))
        let lost = StoreCoreHarness.tasks(outputs).map(\.task.task)
        try #require(!lost.isEmpty)
        outputs = h.send(.worker(other, .ready(.init(name: "v", slots: 2, threads: 1, cached: [], software: "test")), identity: nil))
        outputs += h.send(.worker(h.worker, .disconnect(Reason(reason: "shutting down")), identity: nil))
        var done: Set<Int> = []
        var requeued: Set<Int> = []
        while true {
            let tasks = outputs.compactMap { output -> (TaskAssignment, Int)? in
                if case .toWorker(other, .task(let task, let rows)) = output { (task, rows.count) } else { nil }
            }
            if tasks.isEmpty { break }
            outputs = []
            for (task, rows) in tasks {
                #expect(task.model == Self.configurations[task.task / 3].model && task.params == Self.configurations[task.task / 3].params)
                if lost.contains(task.task) { requeued.insert(task.task) }
                done.insert(task.task)
                let header = WorkerMessage.TaskResult(
                    job: task.job, task: task.task, attempt: task.attempt, rows: rows, concepts: 3, seconds: 0.25)
                outputs += h.send(.worker(other, .result(header, scores: [Float](repeating: 0.5, count: rows * 3)), identity: nil))
            }
        }
        #expect(requeued == Set(lost), "the lost worker's tasks ran elsewhere")
        #expect(done == Set(0..<9))
        let status = try #require(h.status(Self.jobID(h)))
        #expect(status.state == .completed && status.attemptsLost == lost.count, "\(status)")
    }

    static func jobID(_ h: StoreCoreHarness) -> String {
        for case .jobs(_, let jobs) in StoreCoreHarness.replies(h.send(.client(h.client, .jobs(.init(request: "j"))))) {
            return jobs.first?.job ?? ""
        }
        return ""
    }
}
