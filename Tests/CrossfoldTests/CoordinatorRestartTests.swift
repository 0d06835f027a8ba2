import Datasets
import Evaluation
import Foundation
import JSON
import Synchronization
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
    /// Ten folds slow enough (about a second each in a debug build) to kill the coordinator between them.
    static let jobOptions = [
        "--folds", "10", "--seed", "29", "--model", "logistic",
        "--param", "C=1000", "--param", "tol=1e-12", "--param", "max_iter=400",
    ]

    @Test(.timeLimit(.minutes(8)))
    func aCoordinatorKilledMidJobResumesAndEndsWithTheSameMetrics() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["CROSSFOLD_RESTART_SEED"] ?? "") ?? 20_261_129
        var random = FuzzRandom(seed: seed)
        let killAfterFolds = Int(random.next() % 4) + 1
        let delayFraction = Double(random.next() % 1000) / 1000
        let lab = try CoordinatorRestartLab()
        let data = try lab.writeCSV(GaussianClusters.make(rows: 3000, features: 24, concepts: 4, spread: 2.5, seed: 5),
                                    name: "data.csv")

        var coordinator = try await lab.startCoordinator()
        // SIGKILL once the seeded number of folds is stored, plus a seeded part of half a fold's
        // time (read from the stored results, so the moment falls mid-job in debug and release
        // builds alike: at least 6 folds remain for 2 workers). Armed before any work starts and
        // run from a thread of its own, so a busy test process cannot make it late.
        let (pid, stateDir) = (try lab.coordinatorPID(), lab.stateDir)
        let foldSeconds = Mutex(0.0)
        let tripwire = Tripwire(when: { CoordinatorRestartLab.storedResults(in: stateDir).count >= killAfterFolds }) {
            let seconds = CoordinatorRestartLab.storedResults(in: stateDir).values.compactMap(CoordinatorRestartLab.foldSeconds).max()
            foldSeconds.withLock { $0 = seconds ?? 0 }
            Thread.sleep(forTimeInterval: delayFraction * (seconds ?? 0) / 2)
            kill(pid, SIGKILL)
        }
        let workers = try (0..<2).map { try lab.startWorker($0) }
        let submitted = try await lab.run(["submit", data, "--coordinator", lab.clientEndpoint] + Self.jobOptions)
        #expect(submitted.exitCode == 0, "\(submitted)")
        let job = submitted.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(job.count == 32, "job id: \(job)")
        #expect(await tripwire.wait() == .fired)
        _ = try await coordinator.wait(timeout: .seconds(30))
        let storedBefore = lab.storedResults(job)
        try #require(storedBefore.count < 10, "the job ended before the kill; nothing was resumed")
        let marks = workers.map { $0.standardOutputSoFar.utf8.count }
        func logsSinceKill() -> [Substring] {
            zip(workers, marks).map { worker, mark in
                Substring(String(decoding: worker.standardOutputSoFar.utf8.dropFirst(mark), as: UTF8.self))
            }
        }

        let clock = ContinuousClock()
        let restartedAt = clock.now
        coordinator = try await lab.startCoordinator()
        #expect(await coordinator.waitForOutput(timeout: .seconds(30)) { output, _ in
            output.contains("\"message\":\"job resumed\"")
        })
        let resumedAfter = clock.now - restartedAt
        #expect(try await CoordinatorRestartLab.eventually { logsSinceKill().contains { $0.contains("\"message\":\"task started\"") } })
        let firstTaskAfter = clock.now - restartedAt

        let watched = try await lab.run(["watch", job, "--coordinator", lab.clientEndpoint, "--json", "resumed.json"])
        #expect(watched.exitCode == 0, "\(watched)")
        let completedAfter = clock.now - restartedAt
        let reference = try await lab.run(
            ["submit", data, "--coordinator", lab.clientEndpoint, "--wait", "--json", "reference.json"] + Self.jobOptions)
        #expect(reference.exitCode == 0, "\(reference)")
        let resumed = try JSONDecoder().decode(JSONValue.self, from: lab.workspace.data("resumed.json"))
        let uninterrupted = try JSONDecoder().decode(JSONValue.self, from: lab.workspace.data("reference.json"))
        #expect(resumed.removingKeys(provenanceKeys) != resumed, "the metrics carry provenance to ignore")
        #expect(resumed.removingKeys(provenanceKeys) == uninterrupted.removingKeys(provenanceKeys))

        // No fold stored before the kill ran again; their files are untouched.
        let rerun = logsSinceKill().flatMap { CoordinatorRestartLab.tasksStarted(in: $0, job: job) }
        #expect(Set(rerun).isDisjoint(with: storedBefore.keys), "stored folds ran again: \(rerun.sorted())")
        let storedAfter = lab.storedResults(job)
        #expect(storedAfter.count == 10)
        for (task, bytes) in storedBefore { #expect(storedAfter[task] == bytes, "task \(task)'s stored result changed") }

        // A graceful restart later, the finished job's results are still there.
        try await lab.signalCoordinator(coordinator, SIGTERM)
        coordinator = try await lab.startCoordinator()
        let again = try await lab.run(["results", job, "--coordinator", lab.clientEndpoint, "--json", "again.json"])
        #expect(again.exitCode == 0, "\(again)")
        #expect(try lab.workspace.data("again.json") == lab.workspace.data("resumed.json"))

        print("measurement: subprocess restart (seed \(seed)): SIGKILL after \(storedBefore.count)/10 folds stored "
              + "(folds of \(String(format: "%.2f", foldSeconds.withLock { $0 })) s); "
              + "restart to 'job resumed' \(CoordinatorRestartLab.format(resumedAfter)), to the first fold "
              + "\(CoordinatorRestartLab.format(firstTaskAfter)), to completion \(CoordinatorRestartLab.format(completedAfter)); "
              + "folds run after the restart: \(rerun.sorted())")
        coordinator.terminate()
        for worker in workers { worker.terminate() }
        _ = try await coordinator.wait(timeout: .seconds(30))
        for worker in workers { _ = try await worker.wait(timeout: .seconds(30)) }
    }

    @Test func anUnusableStateDirExits73SayingWhatToDo() async throws {
        let lab = try CoordinatorRestartLab()
        try lab.workspace.write("file", "not a directory")
        let notADirectory = try await lab.run(
            ["coordinator", "--state-dir", lab.workspace.path("file/state")] + CoordinatorRestartLab.anyPorts)
        #expect(notADirectory.exitCode == 73, "\(notADirectory)")
        #expect(notADirectory.standardError.contains("cannot use the state dir"))
        #expect(notADirectory.standardError.contains("give --state-dir a directory"))

        // A state dir in use by a running coordinator.
        let holder = try await lab.startCoordinator()
        let pid = try String(contentsOfFile: lab.stateDir + "/lock", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let second = try await lab.run(["coordinator", "--state-dir", lab.stateDir] + CoordinatorRestartLab.anyPorts)
        #expect(second.exitCode == 73, "\(second)")
        #expect(second.standardError.contains("in use by another coordinator (pid \(pid))"))
        holder.terminate()
        _ = try await holder.wait(timeout: .seconds(30))
    }
}
