import Datasets
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `crossfold coordinator --state-dir` as a real process, killed with SIGKILL at a seeded moment
/// of a job and started again: the job resumes, no stored fold runs again, `watch` ends with the
/// JSON metrics of an uninterrupted run, and `results` still answers after another restart.
/// The seed comes from CROSSFOLD_RESTART_SEED (printed, so a failure can be replayed).
@Suite(.serialized) struct CoordinatorRestartTests {
    static let jobOptions = [
        "--folds", "10", "--seed", "29", "--model", "logistic",
        "--param", "C=1000", "--param", "tol=1e-12", "--param", "max_iter=400",
    ]

    @Test(.timeLimit(.minutes(8)))
    func aCoordinatorKilledMidJobResumesAndEndsWithTheSameMetrics() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["CROSSFOLD_RESTART_SEED"] ?? "") ?? 20_261_129
        var random = RestartRandom(seed: seed)
        let killAfterFolds = Int(random.next() % 6) + 1
        let extraDelay = Duration.milliseconds(Int64(random.next() % 300))
        let lab = try RestartLab()
        defer { lab.tearDown() }
        let dataset = GaussianClusters.make(rows: 3000, features: 24, concepts: 4, spread: 2.5, seed: 5)
        try RestartLab.writeCSV(dataset, to: lab.path("data.csv"))

        var coordinator = try await lab.startCoordinator("coordinator-1")
        let workers = try (0..<2).map { try lab.startWorker($0) }
        let submitted = try await lab.run(["submit", lab.path("data.csv"), "--coordinator", lab.clientEndpoint] + Self.jobOptions)
        #expect(submitted.status == 0, "submit: \(submitted.error)")
        let job = submitted.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(job.count == 32, "job id: \(job)")

        // SIGKILL once the seeded number of folds is stored, plus a seeded delay.
        #expect(try await RestartLab.eventually { lab.storedResults(job).count >= killAfterFolds })
        try await Task.sleep(for: extraDelay)
        await coordinator.kill(SIGKILL)
        let storedBefore = lab.storedResults(job)
        #expect(storedBefore.count < 10, "the job ended before the kill; nothing was resumed")
        let workerLogMarks = workers.map { $0.logSize() }

        let clock = ContinuousClock()
        let restartedAt = clock.now
        coordinator = try await lab.startCoordinator("coordinator-2")
        #expect(try await RestartLab.eventually { coordinator.log().contains("\"message\":\"job resumed\"") })
        let resumedAfter = clock.now - restartedAt
        #expect(try await RestartLab.eventually {
            zip(workers, workerLogMarks).contains { worker, mark in worker.log(from: mark).contains("\"message\":\"task started\"") }
        })
        let firstTaskAfter = clock.now - restartedAt

        let watched = try await lab.run(["watch", job, "--coordinator", lab.clientEndpoint, "--json", lab.path("resumed.json")])
        #expect(watched.status == 0, "watch: \(watched.error)")
        let completedAfter = clock.now - restartedAt
        let reference = try await lab.run(
            ["submit", lab.path("data.csv"), "--coordinator", lab.clientEndpoint, "--wait", "--json", lab.path("reference.json")]
                + Self.jobOptions)
        #expect(reference.status == 0, "reference run: \(reference.error)")
        let resumedJSON = try #require(RestartLab.bytes(lab.path("resumed.json")))
        let referenceJSON = try #require(RestartLab.bytes(lab.path("reference.json")))
        #expect(MetricsProvenance.hasProvenance(resumedJSON))
        #expect(try MetricsProvenance.withoutProvenance(resumedJSON) == MetricsProvenance.withoutProvenance(referenceJSON))

        // No fold stored before the kill ran again; their files are untouched.
        let rerun = zip(workers, workerLogMarks).flatMap { worker, mark in RestartLab.tasksStarted(in: worker.log(from: mark), job: job) }
        #expect(Set(rerun).isDisjoint(with: storedBefore.keys), "stored folds ran again: \(rerun.sorted())")
        let storedAfter = lab.storedResults(job)
        #expect(storedAfter.count == 10)
        for (task, bytes) in storedBefore { #expect(storedAfter[task] == bytes, "task \(task)'s stored result changed") }

        // A graceful restart later, the finished job's results are still there.
        await coordinator.kill(SIGTERM)
        coordinator = try await lab.startCoordinator("coordinator-3")
        let again = try await lab.run(["results", job, "--coordinator", lab.clientEndpoint, "--json", lab.path("again.json")])
        #expect(again.status == 0, "results: \(again.error)")
        #expect(RestartLab.bytes(lab.path("again.json")) == resumedJSON)

        print("measurement: subprocess restart (seed \(seed)): SIGKILL after \(storedBefore.count)/10 folds stored; "
              + "restart to 'job resumed' \(RestartLab.format(resumedAfter)), to the first task "
              + "\(RestartLab.format(firstTaskAfter)), to completion \(RestartLab.format(completedAfter)); "
              + "folds run after the restart: \(rerun.sorted())")
        await coordinator.kill(SIGTERM)
        for worker in workers { await worker.kill(SIGTERM) }
    }

    @Test func anUnusableStateDirExits73SayingWhatToDo() async throws {
        let lab = try RestartLab()
        defer { lab.tearDown() }
        try Data("a file".utf8).write(to: URL(fileURLWithPath: lab.path("file")))
        let notADirectory = try await lab.run(["coordinator", "--state-dir", lab.path("file/state")] + RestartLab.anyPorts)
        #expect(notADirectory.status == 73)
        #expect(notADirectory.error.contains("cannot use the state dir"))
        #expect(notADirectory.error.contains("give --state-dir a directory"))

        // A state dir already in use by a running coordinator.
        let running = try await lab.startCoordinator("holder")
        let second = try await lab.run(["coordinator", "--state-dir", lab.path("state")] + RestartLab.anyPorts)
        #expect(second.status == 73)
        #expect(second.error.contains("in use by another coordinator (pid \(running.process.processIdentifier))"))
        await running.kill(SIGTERM)
    }
}

/// A seeded SplitMix64, so the moment of the kill is reproducible.
struct RestartRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
