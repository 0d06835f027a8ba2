import Datasets
import Foundation
import Testing
import TestSupport

/// `crossfold cache verify` hashes every entry of a worker's cache directory.
@Suite struct CacheCommandTests {
    @Test func verifyKeepsSoundEntriesAndDeletesOnesThatDoNotMatchTheirName() async throws {
        let workspace = try CLIWorkspace()
        let cache = workspace.path("cache")
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let dataset = Dataset(featureCount: 1, features: [1, 2, 3, 4], concepts: ["a", "b"], labels: [1, 0, 0, 1, 1, 0, 0, 1],
                              ids: ["w", "x", "y", "z"], isMultiLabel: false)
        let sound = CanonicalDataset.sha256(of: dataset)
        try CanonicalDataset.write(dataset, to: "\(cache)/\(sound).cfds")
        let wrong = String(repeating: "0", count: 64)
        try CanonicalDataset.write(dataset, to: "\(cache)/\(wrong).cfds")

        let run = try await crossfold(["cache", "verify", "--cache-dir", cache], in: workspace)
        #expect(run.exitCode == 65, "\(run)")
        #expect(run.standardOutput.contains("ok       \(sound)"), "\(run)")
        #expect(run.standardOutput.contains("deleted  \(wrong)"), "\(run)")
        #expect(run.standardOutput.contains("1 sound, 1 deleted"), "\(run)")
        let left = try FileManager.default.contentsOfDirectory(atPath: cache).sorted()
        #expect(left == ["\(sound).cfds", "\(sound).cfds.verified"])

        let again = try await crossfold(["cache", "verify", "--cache-dir", cache], in: workspace)
        #expect(again.exitCode == 0 && again.standardOutput.contains("1 sound, 0 deleted"), "\(again)")
        let missing = try await crossfold(["cache", "verify", "--cache-dir", workspace.path("nope")], in: workspace)
        #expect(missing.exitCode == 64 && missing.standardError.contains("is not a directory"), "\(missing)")
    }
}
