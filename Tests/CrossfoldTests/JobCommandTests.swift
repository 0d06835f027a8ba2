import Foundation
import Testing
import TestSupport

/// `cancel`, `results` and `status` say what state a job is in, with exit codes a script can
/// trust: 0, 66 unknown, 70 failed or cancelled, 75 not finished, 79 already ended.
@Suite struct JobCommandTests {
    @Test func resultsOfAnUnfinishedJobExit75AndSayHowToFollowIt() async throws {
        let cluster = try await LocalCluster.start()
        let job = try await cluster.submit([Repository.example("iris.jsonl")])
        let run = try await cluster.run(["results", job, "--json", "r.json"] + cluster.client)
        #expect(run.exitCode == 75, "\(run)")
        #expect(run.standardError.contains("job \(job) is still running (0/5 folds done); follow it with `crossfold watch \(job)`"),
                "\(run)")
        #expect(!cluster.workspace.exists("r.json"))
    }

    @Test func cancelOfAQueuedJobCancelsItAndIsIdempotent() async throws {
        let cluster = try await LocalCluster.start()
        let job = try await cluster.submit([Repository.example("iris.jsonl")])
        let first = try await cluster.run(["cancel", job] + cluster.client)
        #expect(first.exitCode == 0, "\(first)")
        #expect(first.standardOutput == "cancelled \(job)\n", "\(first)")
        let again = try await cluster.run(["cancel", job] + cluster.client)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.standardOutput == "job \(job) was already cancelled\n", "\(again)")
        let results = try await cluster.run(["results", job] + cluster.client)
        #expect(results.exitCode == 70, "\(results)")
        #expect(results.standardError.contains("job \(job) cancelled: cancelled by a client"), "\(results)")
    }

    @Test func cancelOfACompletedJobExits79AndLeavesItCompleted() async throws {
        let cluster = try await LocalCluster.start()
        let worker = try cluster.startWorker(name: "w1")
        defer { worker.terminate() }
        let submitted = try await cluster.run(["submit", Repository.example("iris.jsonl"), "--wait"] + cluster.client)
        try #require(submitted.exitCode == 0, "\(submitted)")
        let job = try #require(submitted.standardOutput.split(separator: "\n").first.map(String.init))
        let cancel = try await cluster.run(["cancel", job] + cluster.client)
        #expect(cancel.exitCode == 79, "\(cancel)")
        #expect(cancel.standardOutput.isEmpty, "\(cancel)")
        #expect(cancel.standardError.contains("job \(job) already completed; nothing to cancel"), "\(cancel)")
        let status = try await cluster.run(["status", job] + cluster.client)
        #expect(status.standardOutput.hasPrefix("job \(job): completed"), "\(status)")
        let results = try await cluster.run(["results", job] + cluster.client)
        #expect(results.exitCode == 0, "\(results)")
    }

    /// A knn fold does all its work in one long prediction; CANCEL stops it on the worker within a
    /// block of training rows, where it used to run on for the rest of the fold.
    @Test func cancelStopsARunningKnnFoldOnTheWorker() async throws {
        let cluster = try await LocalCluster.start()
        let synth = try await cluster.run(["dataset", "synth", "--rows", "50000", "--features", "256", "-o", "big.cfds"])
        try #require(synth.exitCode == 0, "\(synth)")
        let worker = try cluster.startWorker(name: "w1")
        defer { worker.terminate() }
        let job = try await cluster.submit(["big.cfds", "--model", "knn", "--folds", "2"])
        let started = await worker.waitForOutput(timeout: .seconds(60)) { output, _ in output.contains("\"task started\"") }
        try #require(started, "\(worker.standardOutputSoFar)")
        let cancel = try await cluster.run(["cancel", job] + cluster.client)
        #expect(cancel.exitCode == 0, "\(cancel)")
        let stopped = await worker.waitForOutput(timeout: .seconds(60)) { output, _ in
            output.contains("\"discarded the result of a cancelled task\"")
        }
        try #require(stopped, "\(worker.standardOutputSoFar)")
        // By the worker's own clock: from the CANCEL it received to the fold's end, which took
        // 7 s and more before folds could be stopped.
        let log = worker.standardOutputSoFar
        let received = try #require(Self.time(of: "task cancelled while running", in: log), "\(log)")
        let ended = try #require(Self.time(of: "discarded the result of a cancelled task", in: log), "\(log)")
        #expect(ended.timeIntervalSince(received) < 2, "the fold ran on for \(ended.timeIntervalSince(received)) s after the cancel")
    }

    /// The `ts` of the first JSON log line whose message starts with `message`.
    static func time(of message: String, in log: String) -> Date? {
        for line in log.split(separator: "\n") where line.contains("\"message\":\"\(message)") {
            guard let fields = try? JSONDecoder().decode([String: String].self, from: Data(line.utf8)), let ts = fields["ts"] else { continue }
            let format = ISO8601DateFormatter()
            format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return format.date(from: ts)
        }
        return nil
    }
}

/// `submit --wait` and `watch` with no worker: notices while they wait, then exit 69 after
/// `--worker-wait`, leaving the job queued for workers that join later.
@Suite struct WorkerWaitTests {
    @Test(arguments: ["submit", "watch"])
    func withoutAWorkerTheCommandSaysSoAndGivesUpLeavingTheJobQueued(_ command: String) async throws {
        let cluster = try await LocalCluster.start()
        var job = ""
        var arguments = ["submit", Repository.example("iris.jsonl"), "--wait"]
        if command == "watch" {
            job = try await cluster.submit([Repository.example("iris.jsonl")])
            arguments = ["watch", job]
        }
        let run = try await cluster.run(arguments + ["--worker-wait", "6"] + cluster.client)
        if command == "submit" { job = run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(run.exitCode == 69, "\(run)")
        #expect(run.standardError.contains("no worker is connected to the coordinator; the job waits for one"), "\(run)")
        #expect(run.standardError.contains(
            "no worker joined the coordinator at tcp://127.0.0.1:\(cluster.port) within 6 s; start workers with "
                + "`crossfold worker --connect tcp://COORDINATOR:5556`, then follow job \(job), which stays queued, "
                + "with `crossfold watch \(job)`"), "\(run)")
        // Well under the default 60 s wait, so --worker-wait 6 was used; the margin is for a loaded
        // machine (31.8 s once under the full suite in CI, starting processes included).
        #expect(run.duration < .seconds(50), "\(run)")
        let status = try await cluster.run(["status", job] + cluster.client)
        #expect(status.standardOutput.hasPrefix("job \(job): running, 0/5 folds done"), "\(status)")
    }

    @Test func workerWaitWithoutWaitingIsAUsageError() async throws {
        for arguments in [["submit", Repository.example("iris.jsonl"), "--worker-wait", "5", "--coordinator", "tcp://127.0.0.1:9"],
                          ["evaluate", Repository.example("iris.jsonl"), "--worker-wait", "5"]] {
            let run = try await crossfold(arguments, in: try CLIWorkspace())
            #expect(run.exitCode == 64, "\(run)")
            #expect(run.standardError.contains("--worker-wait applies with"), "\(run)")
        }
    }
}
