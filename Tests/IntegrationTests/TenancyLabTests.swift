import Foundation
import Testing
import TestSupport

/// A shared cluster across namespace hosts, with the built `crossfold`: jobs belong to the client
/// key that submitted them, and a lying worker is caught by verification by recomputation. Every
/// job must still end with exactly the embedded run's metrics, provenance aside.
@Suite(.serialized)
struct TenancyLabTests {
    /// `crossfold keys generate` into a fresh directory: coordinator, worker-1..2, client-1..3.
    private func keys() async throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("crossfold-tenancy-keys-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        let outcome = try await ProcessRunner.run(
            try Lab.crossfoldExecutable(), ["keys", "generate", directory.path, "--workers", "2", "--clients", "3"],
            timeout: .seconds(60))
        try #require(outcome.succeeded, "\(outcome)")
        return directory
    }

    @Test func aSecondClientKeyCannotSeeReadOrCancelTheFirstsJobButAnAdministratorCan() async throws {
        let run = EvaluationRun.digits(folds: 5)
        let reference = try await ClusterFixtures.shared.embeddedMetrics(run)
        let keys = try await keys()
        defer { try? FileManager.default.removeItem(at: keys) }
        func key(_ role: String) -> [String] { ["--keys", keys.appendingPathComponent(role).path] }
        try await ClusterLab.with(hosts: 4, coordinatorArguments: key("coordinator") + ["--admin-key", "client-3"]) { cluster, _ in
            try await cluster.startWorker("w1", on: 1, extraArguments: key("worker-1"))
            try await cluster.startWorker("w2", on: 2, extraArguments: key("worker-2"))
            let json = cluster.work.appendingPathComponent("owned.json")
            let outcome = try await cluster.submit(run, from: 3, json: json, extraArguments: key("client-1"))
            try #require(outcome.succeeded, "\(outcome)\n\(cluster.lab.diagnostics())")
            let job = try #require(outcome.standardOutput.split(separator: "\n").first.map(String.init))
            try expectSameMetrics(json, as: reference, in: cluster.lab)

            // The owner lists and reads it.
            let ownList = try await cluster.client(["jobs"], from: 3, extraArguments: key("client-1"))
            #expect(ownList.succeeded && ownList.standardOutput.contains(job), "\(ownList)")

            // Another key: not listed, and STATUS, RESULTS and CANCEL fail exactly as for a job id
            // that does not exist.
            let otherList = try await cluster.client(["jobs"], from: 3, extraArguments: key("client-2"))
            #expect(otherList.succeeded && !otherList.standardOutput.contains(job), "\(otherList)")
            let absent = String(repeating: "0", count: 32)
            for command in [["status"], ["results"], ["cancel"]] {
                let hidden = try await cluster.client(command + [job], from: 3, extraArguments: key("client-2"))
                let missing = try await cluster.client(command + [absent], from: 3, extraArguments: key("client-2"))
                #expect(!hidden.succeeded && hidden.status == missing.status, "\(hidden)\n\(missing)")
                #expect(hidden.standardError == missing.standardError.replacingOccurrences(of: absent, with: job),
                        "\(hidden)\n\(missing)")
                #expect(hidden.standardError.contains("no job \(job) on this coordinator"), "\(hidden)")
            }

            // The administrator sees it, reads it (the same metrics), and may cancel it: told it
            // already completed (exit 79), where the other key was told it does not exist (66).
            let adminList = try await cluster.client(["jobs"], from: 3, extraArguments: key("client-3"))
            #expect(adminList.succeeded && adminList.standardOutput.contains(job), "\(adminList)")
            let adminJSON = cluster.work.appendingPathComponent("admin.json")
            let read = try await cluster.client(["results", job, "--json", adminJSON.path], from: 3, extraArguments: key("client-3"))
            #expect(read.succeeded, "\(read)")
            try expectSameMetrics(adminJSON, as: reference, in: cluster.lab)
            let cancel = try await cluster.client(["cancel", job], from: 3, extraArguments: key("client-3"))
            #expect(cancel.status == 79 && cancel.standardError.contains("already completed"), "\(cancel)")
            let status = try await cluster.client(["status", job], from: 3, extraArguments: key("client-1"))
            #expect(status.standardOutput.contains("completed"), "\(status)")
        }
    }

    #if DEBUG
    /// Three workers, one of which (`--debug-alter-scores 1`, debug builds) turns every score it
    /// computes into 1 - score: the verification catches it, it is quarantined, and the job's
    /// metrics are the embedded run's.
    @Test func aLyingWorkerIsCaughtQuarantinedAndTheMetricsAreTheEmbeddedRuns() async throws {
        let run = EvaluationRun.digits(folds: 10)
        let reference = try await ClusterFixtures.shared.embeddedMetrics(run)
        try await ClusterLab.with(hosts: 5) { cluster, coordinator in
            try await cluster.startWorkers([("honest-1", 1), ("honest-2", 2)])
            try await cluster.startWorker("liar", on: 3, extraArguments: ["--debug-alter-scores", "1"])
            let liar = try await cluster.workerID(of: "liar", in: coordinator)
            let json = cluster.work.appendingPathComponent("verified.json")
            let outcome = try await cluster.submit(run, from: 4, json: json, extraArguments: ["--verify", "0.2"])
            try #require(outcome.succeeded, "\(outcome)\n\(cluster.lab.diagnostics())")
            let job = try #require(outcome.standardOutput.split(separator: "\n").first.map(String.init))
            try expectSameMetrics(json, as: reference, in: cluster.lab)

            let quarantined = try await coordinator.waitForRecord("worker quarantined: it gets no more tasks", timeout: .seconds(10))
            #expect(quarantined["worker"] == liar, "\(quarantined.fields)")
            // No fold of the result is the liar's, and the result says what happened.
            #expect(!(try foldWorkers(json)).contains(liar))
            let verification = try Self.verification(json)
            #expect(verification["quarantined_workers"] as? [String] == [liar], "\(verification)")
            #expect((verification["mismatches"] as? Double ?? 0) >= 1, "\(verification)")
            #expect(verification["not_run"] is NSNull, "\(verification)")
            let status = try await cluster.client(["status", job], from: 4)
            #expect(status.standardOutput.contains("quarantined: \(liar)"), "\(status)")
            #expect(outcome.standardError.contains("verification: "), "\(outcome)")
            let health = try await cluster.client(["health"], from: 4)
            #expect(health.standardOutput.contains("quarantined by verification (no more tasks): \(liar)"), "\(health)")
        }
    }
    #endif

    /// `run.verification` of a result file.
    static func verification(_ result: URL) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: result)) as? [String: Any]
        let extended = object?["extended_metrics"] as? [String: Any]
        let user = extended?["user_metrics"] as? [String: Any]
        let crossfold = user?["crossfold"] as? [String: Any]
        let run = crossfold?["run"] as? [String: Any]
        return try #require(run?["verification"] as? [String: Any], "no run.verification in \(result.path)")
    }
}
