import Foundation
import Testing
import TestSupport

/// A client cut off from the coordinator: the command line gives up with exit 69 after its
/// resends, while the job it submitted runs on; `watch` and `results` pick it up later.
@Suite(.serialized)
struct ChaosClientTests {
    @Test func aClientCutOffMidJobExits69AndTheJobCompletesWithoutIt() async throws {
        let run = EvaluationRun(dataset: try await ClusterFixtures.shared.syntheticDataset(rows: 20_000), folds: 10)
        let reference = try await ClusterFixtures.shared.embeddedMetrics(run)
        try await ClusterLab.with(hosts: 4) { cluster, coordinator in
            // The workers join only after the cut, so the job cannot finish before it: its 10 folds
            // take about a second on two workers, less than setting a link down may take under load
            // (the client once got its result first). Meanwhile the job waits, queued.
            let submission = try await cluster.startSubmission(
                "submit", run, from: 3, json: cluster.work.appendingPathComponent("never.json"))
            let accepted = try await coordinator.waitForRecord("job accepted", timeout: .seconds(60))
            let job = try #require(accepted["job"])
            // Timed from before the cut: under load setting the link down takes seconds, during
            // which the client's polls already go unanswered (8.9 s was measured from after it).
            let cut = Date()
            try await cluster.lab.setLink(of: 3, up: false)

            // STATUS polls go unanswered: 4 attempts of --reply-timeout (3 s), then exit 69.
            let status = try await submission.waitForExit(timeout: .seconds(60))
            let gaveUp = Date().timeIntervalSince(cut)
            #expect(status == 69, "submit --wait exited \(status) with the client cut off\n\(submission.log())")
            #expect(submission.log().contains("no answer from the coordinator at \(cluster.clientEndpoint)"), "\(submission.log())")
            #expect(gaveUp > 9 && gaveUp < 20, "the client gave up \(gaveUp) s after the cut")
            print("client cut off: exit \(status) \(ChaosReport.seconds(gaveUp)) after the cut")

            // The job never needed the client: the workers run it, and once the link is back,
            // `watch` sees it done and writes the same metrics as an undisturbed run.
            try await cluster.startWorkers([("w1", 1), ("w2", 2)])
            try await cluster.lab.setLink(of: 3, up: true)
            let json = cluster.work.appendingPathComponent("watched.json")
            let watched = try await cluster.lab.run(
                on: 3, [cluster.crossfold, "watch", job, "--coordinator", cluster.clientEndpoint, "--json", json.path],
                timeout: .seconds(120))
            #expect(watched.succeeded, "\(watched)")
            try expectSameMetrics(json, as: reference, in: cluster.lab)
        }
    }
}
