import Foundation
import Testing
import TestSupport

/// Issue 5's dataset faults on the lab: a worker killed in the middle of fetching a dataset, and a
/// cached dataset damaged on disk. Either way the job ends with the metrics of a fault-free run.
@Suite(.serialized)
struct ChaosDatasetTests {
    /// A worker frozen the moment it starts fetching (so the transfer is certainly incomplete),
    /// then killed: the coordinator requeues its fold, the other worker fetches and finishes the
    /// job, and nothing of the half transfer reaches the killed worker's cache.
    @Test func aWorkerKilledWhileFetchingLeavesTheDatasetToAnother() async throws {
        // 200,000 x 64: 56 MB, a transfer of 0.15-0.5 s between lab hosts.
        let dataset = try await ClusterFixtures.shared.syntheticDataset(rows: 200_000)
        let run = EvaluationRun(dataset: dataset, folds: 3, model: "centroid")
        let reference = try await ClusterFixtures.shared.embeddedMetrics(run)
        try await ClusterLab.with(hosts: 4) { cluster, coordinator in
            let survivor = try await cluster.startWorker("w1", on: 1)
            let cache = cluster.lab.directory.appendingPathComponent("h2/cache").path
            let victim = try await cluster.startWorker("w2", on: 2, cache: cache)
            let victimID = try await cluster.workerID(of: "w2", in: coordinator)
            let json = cluster.work.appendingPathComponent("killed-fetching.json")
            // The transfer takes about 0.15 s between lab hosts, less than the lab script takes
            // to send a signal, so a watcher polling the log every 5 ms freezes the worker.
            async let frozen = ProcessRunner.run(URL(fileURLWithPath: "/bin/bash"), [
                "-c", "until grep -q 'fetching dataset' \"$0\"; do sleep 0.005; done; kill -STOP \"$1\"",
                victim.logURL.path, String(victim.pid),
            ], timeout: .seconds(120))
            let submission = try await cluster.startSubmission("submit", run, from: 3, json: json)

            #expect(try await frozen.succeeded)
            #expect(!victim.records().contains { $0.message == "dataset fetched" },
                    "the transfer finished before the worker could be stopped; the test needs a larger dataset")
            try await victim.send(.kill)
            #expect(try await victim.waitForExit(timeout: .seconds(10)) == 128 + 9)

            let requeue = try await coordinator.waitForRecord("task requeued", timeout: .seconds(30)) {
                ($0["cause"] ?? "").contains("worker \(victimID) lost")
            }
            #expect(requeue["cause"]?.contains("connection gone") == true, "\(requeue.fields)")
            #expect(try await submission.waitForExit(timeout: .seconds(120)) == 0, "\(cluster.lab.diagnostics())")
            try expectSameMetrics(json, as: reference, in: cluster.lab)
            #expect(survivor.records().contains { $0.message == "dataset verified and cached" })
            #expect(survivor.finishedTaskCount() == run.folds, "w1 should have run every fold\n\(cluster.lab.diagnostics())")

            // The half transfer left nothing behind: a worker restarted on that cache finds it empty.
            let cached = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".cfds") }
            #expect(cached.isEmpty, "\(cached)")
            let restarted = try await cluster.startWorker("w2-2", on: 2, cache: cache)
            let opened = try await restarted.waitForRecord("dataset cache opened", timeout: .seconds(10))
            #expect(opened["entries"] == "0", "\(opened.fields)")
        }
    }

    /// When the damage happens.
    enum Damage: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// The cache file is damaged while no worker runs: the next one checks it when it opens the cache.
        case beforeTheWorkerStarts
        /// The file is damaged after the worker opened (and checked) its cache, before a task loads it.
        case whileTheWorkerRuns

        var testDescription: String { rawValue }
    }

    /// A cached dataset whose bytes changed on disk (one row's features overwritten with
    /// another's: valid floats, so only the hash can tell) is deleted and fetched again, and the
    /// job's metrics are those of an undamaged run.
    @Test(arguments: Damage.allCases)
    func aDamagedCacheEntryIsFetchedAgain(_ damage: Damage) async throws {
        let first = EvaluationRun.digits(folds: 5, seed: 1)
        let second = EvaluationRun.digits(folds: 5, seed: 2)
        let reference = try await ClusterFixtures.shared.embeddedMetrics(second)
        try await ClusterLab.with(hosts: 3) { cluster, _ in
            let cache = cluster.lab.directory.appendingPathComponent("h1/cache").path
            let worker = try await cluster.startWorker("w1", on: 1, cache: cache)
            let warmUp = try await cluster.submit(first, from: 2, json: cluster.work.appendingPathComponent("first.json"))
            try #require(warmUp.succeeded, "\(warmUp)")
            let hash = try #require(try await worker.waitForRecord("dataset verified and cached", timeout: .seconds(10))["dataset"])
            let file = URL(fileURLWithPath: cache).appendingPathComponent("\(hash).cfds")
            try await worker.send(.terminate)
            try await worker.waitForExit(timeout: .seconds(10))

            if damage == .beforeTheWorkerStarts { try Self.overwriteARow(of: file) }
            let restarted = try await cluster.startWorker("w1-2", on: 1, cache: cache)
            let opened = try await restarted.waitForRecord("dataset cache opened", timeout: .seconds(10))
            if damage == .whileTheWorkerRuns {
                #expect(opened["entries"] == "1", "the undamaged entry should have been kept: \(opened.fields)")
                try Self.overwriteARow(of: file)
            }

            let json = cluster.work.appendingPathComponent("second.json")
            let outcome = try await cluster.submit(second, from: 2, json: json)
            try #require(outcome.succeeded, "\(outcome)\n\(cluster.lab.diagnostics())")
            try expectSameMetrics(json, as: reference, in: cluster.lab)
            let messages = restarted.records().map(\.message)
            #expect(messages.contains { $0.hasPrefix("deleted a corrupted cache entry") }, "\(restarted.log())")
            #expect(messages.contains("fetching dataset"), "\(restarted.log())")
        }
    }

    /// Copies the features of row 0 over those of the middle row of a canonical dataset file
    /// (docs/CANONICAL-FORMAT.md: a 64-byte header, then N x D Float32 row-major).
    static func overwriteARow(of file: URL) throws {
        var bytes = try Data(contentsOf: file)
        let rows = bytes[16..<24].withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        let features = bytes[24..<32].withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        let rowBytes = 4 * features
        let middle = 64 + (rows / 2) * rowBytes
        let firstRow = bytes[64..<(64 + rowBytes)]
        #expect(bytes[middle..<(middle + rowBytes)] != firstRow, "rows 0 and \(rows / 2) are equal; the damage would be invisible")
        bytes.replaceSubrange(middle..<(middle + rowBytes), with: firstRow)
        try bytes.write(to: file)
    }
}
