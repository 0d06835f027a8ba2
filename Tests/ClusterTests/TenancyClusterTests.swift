import Cluster
import Foundation
import Testing
import TestSupport
import Wire

/// Tenancy over real CURVE sockets on 127.0.0.1: a job belongs to the client key that submitted
/// it; another client key cannot see, read, watch or cancel it, and cannot learn that the
/// coordinator holds its dataset; an administrator key can do all of that.
@Suite(.serialized) struct TenancyClusterTests {
    /// An in-process cluster of several workers: one such test at a time (`ExclusiveTests.clusters`).
    @Test(.timeLimit(.minutes(10)))
    func aSecondClientKeyCannotSeeReadOrCancelTheFirstsJobButAnAdministratorCan() async throws { try await ExclusiveTests.clusters.run { try await runASecondClientKeyCannotSeeReadOrCancelTheFirstsJobButAnAdministratorCan() } }

    private func runASecondClientKeyCannotSeeReadOrCancelTheFirstsJobButAnAdministratorCan() async throws {
        let iris = try WorkerExamples.iris()
        let cluster = try await SecureTestCluster(clients: 3, admins: ["client-3"])
        let cache = WorkerFixtures.scratchDirectory("tenancy-worker")
        defer { WorkerFixtures.remove(cache) }
        let worker = try cluster.startWorker("tenancy-a", keys: try cluster.workerKeys, cacheDirectory: cache)
        let owner = try await cluster.client(keys: try cluster.clientKeys(1))
        let other = try await cluster.client(keys: try cluster.clientKeys(2))
        let admin = try await cluster.client(keys: try cluster.clientKeys(3))

        #expect(try await owner.upload(iris.bytes, hash: iris.hash))
        let job = try await owner.submit(CurveClusterTests.spec(hash: iris.hash))
        let status = try await WorkerTestCluster.waitForEnd(of: job, client: owner)
        #expect(status.state == .completed, "\(status)")
        #expect(try await owner.jobs().map(\.job) == [job])

        // The other key: nothing listed, and every request about the job refused exactly as for a
        // job id that does not exist.
        #expect(try await other.jobs().isEmpty)
        let absent = String(repeating: "0", count: 32)
        for (hidden, missing) in [
            (await Self.refusal { try await other.status(of: job) }, await Self.refusal { try await other.status(of: absent) }),
            (await Self.refusal { try await other.results(of: job, predictions: true) },
             await Self.refusal { try await other.results(of: absent, predictions: true) }),
            (await Self.refusal { try await other.cancel(job) }, await Self.refusal { try await other.cancel(absent) }),
        ] {
            #expect(hidden?.code == "unknown-job")
            #expect(hidden?.code == missing?.code)
            #expect(hidden?.message == missing?.message.replacingOccurrences(of: absent, with: job))
        }
        // Nor does it learn the dataset is there: it is asked to upload it, and can.
        #expect(try await other.hasDataset(iris.hash) == false)
        #expect(try await other.upload(iris.bytes, hash: iris.hash))
        #expect(try await other.hasDataset(iris.hash))

        // The administrator sees, reads and could cancel it.
        #expect(try await admin.jobs().map(\.job) == [job])
        #expect(try await admin.status(of: job).state == .completed)
        let read = try await admin.results(of: job, predictions: true)
        let own = try await owner.results(of: job, predictions: true)
        #expect(read.metricsJSON == own.metricsJSON)
        try await admin.cancel(job)
        #expect(try await owner.status(of: job).state == .completed)

        for client in [owner, other, admin] { await client.close() }
        await worker.stop()
        await cluster.stop()
    }

    /// A running job: the other key's CANCEL does nothing, the owner's cancels it.
    /// An in-process cluster of several workers: one such test at a time (`ExclusiveTests.clusters`).
    @Test(.timeLimit(.minutes(10)))
    func onlyTheOwnerOrAnAdministratorCancelsARunningJob() async throws { try await ExclusiveTests.clusters.run { try await runOnlyTheOwnerOrAnAdministratorCancelsARunningJob() } }

    private func runOnlyTheOwnerOrAnAdministratorCancelsARunningJob() async throws {
        let iris = try WorkerExamples.iris()
        let cluster = try await SecureTestCluster(clients: 2)
        // No worker: the job stays running.
        let owner = try await cluster.client(keys: try cluster.clientKeys(1))
        let other = try await cluster.client(keys: try cluster.clientKeys(2))
        #expect(try await owner.upload(iris.bytes, hash: iris.hash))
        let job = try await owner.submit(CurveClusterTests.spec(hash: iris.hash))
        #expect(await Self.refusal { try await other.cancel(job) }?.code == "unknown-job")
        #expect(try await owner.status(of: job).state == .running)
        try await owner.cancel(job)
        #expect(try await owner.status(of: job).state == .cancelled)
        await owner.close()
        await other.close()
        await cluster.stop()
    }

    static func refusal(_ request: () async throws -> some Any) async -> (code: String, message: String)? {
        do {
            _ = try await request()
            return nil
        } catch {
            if case .refused(let code, let message)? = error as? ClientError { return (code, message) }
            return nil
        }
    }
}
