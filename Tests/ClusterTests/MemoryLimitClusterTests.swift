import Cluster
import Foundation
import Testing
import TestSupport
import Wire

/// A job too large for the coordinator's memory, over real sockets: INFO says what the coordinator
/// may use, the client refuses the job before uploading, and a SUBMIT sent anyway is refused.
@Suite struct MemoryLimitClusterTests {
    @Test(.timeLimit(.minutes(2)))
    func aJobTooLargeForTheCoordinatorsMemoryIsRefusedBeforeItsUpload() async throws {
        let cluster = try await WorkerTestCluster(memoryBytes: 64 << 20)
        let client = try await cluster.client()
        #expect(try await client.info().memoryBytes == 64 << 20)
        let iris = try WorkerExamples.iris()
        var spec = JobSpec(dataset: iris.hash, datasetName: "iris.jsonl", split: "random", folds: 10, repeats: 1_000,
                           seed: 1, model: "centroid", params: [:], threshold: 0.5)
        // Iris has 3 concepts: half of 64 MiB holds 4,369 tasks.
        let refusal = try await client.memoryRefusal(for: spec, concepts: 3)
        #expect(refusal?.contains("10000 tasks over 3 concepts need about 73 MiB") == true, "\(String(describing: refusal))")
        #expect(refusal?.contains("more than half of the 64 MiB it may use: use at most 4369 tasks") == true)
        var small = spec
        small.repeats = 400
        #expect(try await client.memoryRefusal(for: small, concepts: 3) == nil)
        // Sent anyway, after its upload: the coordinator refuses it the same way.
        _ = try await client.upload(iris.bytes, hash: iris.hash)
        await #expect {
            _ = try await client.submit(spec)
        } throws: { error in
            String(describing: error).contains("10000 tasks over 3 concepts need about 73 MiB")
        }
        spec.repeats = 400
        #expect(!(try await client.submit(spec)).isEmpty)
        await client.close()
        await cluster.stop()
    }
}
