import Cluster
import Foundation
import Testing

/// The embedded cluster runs without keys, so its ipc sockets must be reachable by this user only.
@Suite struct EmbeddedClusterPrivacyTests {
    @Test(.timeLimit(.minutes(1)))
    func socketsLiveInAPrivateDirectoryAndNoOpenPortWarningIsLogged() async throws {
        let logs = WorkerLogCapture()
        let directory = try await EmbeddedCluster.run(workers: 1, software: "test", logger: logs.logger("embedded")) { cluster in
            let endpoint = cluster.client.endpoint
            #expect(endpoint.hasPrefix("ipc://"))
            let directory = (String(endpoint.dropFirst("ipc://".count)) as NSString).deletingLastPathComponent
            let mode = (try FileManager.default.attributesOfItem(atPath: directory))[.posixPermissions] as? Int
            #expect(mode == 0o700, "the embedded cluster's directory \(directory) has mode \(String(mode ?? -1, radix: 8))")
            #expect(try await cluster.client.info().software == "test")
            return directory
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
        #expect(!logs.records.contains { $0.message.contains("no --keys") })
    }
}
