import Foundation
import Testing
import TestSupport

/// The cluster across real network hosts (namespace lab): a coordinator, workers and a client on
/// separate hosts, real processes of the built `crossfold`, faults injected mid-job. Every job must
/// end with exactly the metrics of the embedded run with the same options, provenance aside.
///
/// Serialized: each test already loads the 2-core machine with several processes.
@Suite(.serialized)
struct ClusterLabTests {
    /// 20,000 x 64, 10 folds: about 0.7 s a fold, so a worker holds each task long enough to be hit.
    private func slowRun(folds: Int) async throws -> EvaluationRun {
        EvaluationRun(dataset: try await ClusterFixtures.shared.syntheticDataset(rows: 20_000), folds: folds)
    }

    @Test func crossHostJobMatchesEmbeddedRun() async throws {
        let run = EvaluationRun.digits(folds: 5)
        let reference = try await ClusterFixtures.shared.embeddedMetrics(run)
        try await ClusterLab.with(hosts: 4) { cluster, _ in
            let workers = try await cluster.startWorkers([("w1", 1), ("w2", 2)])
            let json = cluster.work.appendingPathComponent("digits.json")
            let outcome = try await cluster.submit(run, from: 3, json: json)
            try #require(outcome.succeeded, "\(outcome)\n\(cluster.lab.diagnostics())")
            let jobID = outcome.standardOutput.split(separator: "\n").first.map(String.init) ?? ""
            #expect(!jobID.isEmpty && !jobID.contains(" "), "submit should print the job id first: \(outcome.standardOutput)")
            try expectSameMetrics(json, as: reference, in: cluster.lab)
            // Both worker hosts took part.
            for worker in workers {
                #expect(worker.finishedTaskCount() > 0, "\(worker) ran no task\n\(cluster.lab.diagnostics())")
            }
        }
    }

    @Test func killingAWorkerMidJobChangesNothing() async throws {
        let run = try await slowRun(folds: 10)
        let reference = try await ClusterFixtures.shared.embeddedMetrics(run)
        try await ClusterLab.with(hosts: 4) { cluster, coordinator in
            let victim = try await cluster.startWorkers([("w1", 1), ("w2", 2)])[1]
            let victimID = try await cluster.workerID(of: "w2", in: coordinator)
            let json = cluster.work.appendingPathComponent("killed.json")
            let submission = try await cluster.startSubmission("submit", run, from: 3, json: json)

            _ = try await victim.waitUntilHoldingTask()
            try await victim.send(.kill)
            #expect(try await victim.waitForExit(timeout: .seconds(10)) == 128 + 9)
            // What it held goes back: at once when the coordinator sees the connection close, at the
            // latest after 5 missed heartbeats. (Which task it held by then may have changed: a
            // worker gets its next task the moment it returns one.)
            let requeue = try await coordinator.waitForRecord("task requeued", timeout: .seconds(30)) {
                ($0["cause"] ?? "").contains("worker \(victimID) lost")
            }
            let killedHeld = victim.heldTasks()
            #expect(killedHeld.isEmpty || killedHeld.contains(requeue["task"] ?? ""), "\(requeue.fields) vs \(killedHeld)")

            #expect(try await submission.waitForExit(timeout: .seconds(240)) == 0, "\(cluster.lab.diagnostics())")
            try expectSameMetrics(json, as: reference, in: cluster.lab)
        }
    }

    @Test func linkDownRequeuesWithinTenSeconds() async throws {
        let run = try await slowRun(folds: 10)
        let reference = try await ClusterFixtures.shared.embeddedMetrics(run)
        try await ClusterLab.with(hosts: 4) { cluster, coordinator in
            let cutOff = try await cluster.startWorkers([("w1", 1), ("w2", 2)])[1]
            let cutOffID = try await cluster.workerID(of: "w2", in: coordinator)
            let json = cluster.work.appendingPathComponent("link-down.json")
            let submission = try await cluster.startSubmission("submit", run, from: 3, json: json)

            _ = try await cutOff.waitUntilHoldingTask()
            let linkDown = Date()
            try await cluster.lab.setLink(of: 2, up: false)
            // The coordinator hears nothing more from w2 (no reset, no FIN: the cable is out), gives up
            // on it after 5 missed heartbeats and requeues what it held.
            let requeue = try await coordinator.waitForRecord("task requeued", timeout: .seconds(30)) {
                ($0["cause"] ?? "").contains("worker \(cutOffID) lost")
            }
            let requeuedAt = try #require(requeue.time, "no timestamp in \(requeue.fields)")
            let delay = requeuedAt.timeIntervalSince(linkDown)
            #expect(delay < 10, "the task held behind the cut link was requeued after \(delay) s")
            let dead = try await coordinator.waitForRecord("worker presumed dead", timeout: .seconds(5)) { $0["worker"] == cutOffID }
            #expect(dead["reason"]?.contains("heartbeat") == true, "\(dead.fields)")
            // The cable goes back in: the stranded worker reconnects, and its late result, if it
            // sends one, must not change anything.
            try await cluster.lab.setLink(of: 2, up: true)

            #expect(try await submission.waitForExit(timeout: .seconds(240)) == 0, "\(cluster.lab.diagnostics())")
            try expectSameMetrics(json, as: reference, in: cluster.lab)
        }
    }

    @Test func cachedDatasetIsNotFetchedAgain() async throws {
        try await ClusterLab.with(hosts: 3) { cluster, _ in
            let cache = cluster.lab.directory.appendingPathComponent("h1/cache").path
            let worker = try await cluster.startWorker("w1", on: 1, cache: cache)

            // First job: the worker fetches the dataset from the coordinator.
            let first = try await cluster.submit(.digits(folds: 5, seed: 1), from: 2, json: cluster.work.appendingPathComponent("1.json"))
            try #require(first.succeeded, "\(first)")
            let fetched = try await worker.waitForRecord("dataset verified and cached", timeout: .seconds(10))
            let hash = try #require(fetched["dataset"])
            #expect(worker.records().filter { $0.message == "fetching dataset" }.count == 1)

            // Second job, same worker process: nothing is fetched.
            let mark = worker.lines().count
            let second = try await cluster.submit(.digits(folds: 5, seed: 2), from: 2, json: cluster.work.appendingPathComponent("2.json"))
            try #require(second.succeeded, "\(second)")
            let secondRecords = worker.records().filter { $0.index >= mark }
            #expect(secondRecords.contains { $0.message == "task finished" }, "the worker ran none of the second job")
            #expect(!secondRecords.contains { $0.message == "fetching dataset" },
                    "the second job fetched the dataset again\n\(worker.log())")

            // A new worker process on the same host and cache: the dataset comes from the disk cache.
            try await worker.send(.terminate)
            try await worker.waitForExit(timeout: .seconds(10))
            let restarted = try await cluster.startWorker("w1-restarted", on: 1, cache: cache)
            let third = try await cluster.submit(.digits(folds: 5, seed: 3), from: 2, json: cluster.work.appendingPathComponent("3.json"))
            try #require(third.succeeded, "\(third)")
            _ = try await restarted.waitForLine("a record saying the dataset came from the cache", timeout: .seconds(10)) { line in
                guard let record = LogRecord(line, index: 0) else { return false }
                return record["dataset"] == hash && record.message.contains("not fetching it")
            }
            #expect(!restarted.records().contains { $0.message == "fetching dataset" },
                    "the restarted worker fetched a dataset its cache holds\n\(restarted.log())")
        }
    }

    /// Issue 6's scaling behaviour: workers join a running job and take pending tasks; workers
    /// stopped with SIGTERM hand their tasks back at once and exit within 5 s.
    @Test func workersJoiningAndLeavingMidJobChangeNothing() async throws {
        let run = try await slowRun(folds: 20)
        let reference = try await ClusterFixtures.shared.embeddedMetrics(run)
        try await ClusterLab.with(hosts: 6) { cluster, coordinator in
            let first = try await cluster.startWorker("w1", on: 1)
            let json = cluster.work.appendingPathComponent("scaling.json")
            let submission = try await cluster.startSubmission("submit", run, from: 5, json: json)
            _ = try await first.waitUntilHoldingTask()

            // Three more workers join mid-job and take pending tasks.
            let joined = try await cluster.startWorkers([("w2", 2), ("w3", 3), ("w4", 4)])
            for worker in joined {
                _ = try await worker.waitForRecord("task started", timeout: .seconds(60))
            }
            #expect(submission.isRunning, "the job ended before the new workers could take part")

            // Two leave with SIGTERM while holding tasks: the tasks go back at once.
            let leaving = Array(joined.prefix(2))
            for worker in leaving { _ = try await worker.waitUntilHoldingTask() }
            let signalled = Date()
            for worker in leaving { try await worker.send(.terminate) }
            for worker in leaving {
                let status = try await worker.waitForExit(timeout: .seconds(5))
                #expect(status == 0, "\(worker) exited with \(status) after SIGTERM")
            }
            var handedBack = 0
            for worker in leaving {
                let workerID = try await cluster.workerID(of: worker.name, in: coordinator)
                // What the worker still held when it stopped, by its own log.
                for task in worker.heldTasks() {
                    handedBack += 1
                    let requeue = try await coordinator.waitForRecord("task requeued", timeout: .seconds(10)) {
                        $0["task"] == task && ($0["cause"] ?? "").contains(workerID)
                    }
                    let delay = try #require(requeue.time).timeIntervalSince(signalled)
                    #expect(delay < 2, "\(task) of \(worker) was requeued \(delay) s after SIGTERM")
                }
            }
            #expect(handedBack > 0, "neither stopped worker held a task\n\(cluster.lab.diagnostics())")

            #expect(try await submission.waitForExit(timeout: .seconds(240)) == 0, "\(cluster.lab.diagnostics())")
            try expectSameMetrics(json, as: reference, in: cluster.lab)
            // The workers that stayed finished the job between them.
            let stayed = [first, joined[2]]
            #expect(stayed.map { $0.finishedTaskCount() }.reduce(0, +) + leaving.map { $0.finishedTaskCount() }.reduce(0, +) >= run.folds)
            for worker in stayed {
                #expect(worker.finishedTaskCount() > 0, "\(worker) finished no task")
            }
        }
    }

    @Test func oneWorkerAndFiveWorkersGiveIdenticalMetrics() async throws {
        let run = EvaluationRun.digits(folds: 10)
        let reference = try await ClusterFixtures.shared.embeddedMetrics(run)
        try await ClusterLab.with(hosts: 7) { cluster, _ in
            try await cluster.startWorker("w1", on: 1)
            let alone = cluster.work.appendingPathComponent("one-worker.json")
            let one = try await cluster.submit(run, from: 6, json: alone)
            try #require(one.succeeded, "\(one)")

            try await cluster.startWorkers((2...5).map { ("w\($0)", $0) })
            let together = cluster.work.appendingPathComponent("five-workers.json")
            let five = try await cluster.submit(run, from: 6, json: together)
            try #require(five.succeeded, "\(five)")

            let workersAlone = try foldWorkers(alone)
            let workersTogether = try foldWorkers(together)
            #expect(Set(workersAlone).count == 1, "\(workersAlone)")
            #expect(Set(workersTogether).count == 5, "not all five workers produced results: \(workersTogether)")
            try expectSameMetrics(alone, as: reference, in: cluster.lab)
            try expectSameMetrics(together, as: reference, in: cluster.lab)
            let differences = try LabMetrics.differences(expected: Data(contentsOf: alone), actual: Data(contentsOf: together))
            #expect(differences.isEmpty, "\(differences)")
        }
    }
}
