import ArgumentParser
import Cluster
import Foundation
import Logging

/// `crossfold cache verify`: a worker's dataset cache, checked byte by byte.
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Check a worker's dataset cache.",
        subcommands: [Verify.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hash every dataset in a worker's cache directory, deleting those that no longer match their name.",
            discussion: """
                A worker trusts a cache entry whose file is unchanged since it was verified (its record, \
                <sha256>.cfds.verified, matches the file's size, inode and times), so damage the file system \
                does not see (a failing disk) shows only here. Entries that do not match are deleted and \
                fetched again when a task needs them. Exit 0 when every entry is sound, 65 when some were \
                deleted. Safe while workers run on the directory.
                """
        )

        @Option(help: "The cache directory (default ~/.cache/crossfold). Env: CROSSFOLD_CACHE_DIR.") var cacheDir: String?
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            try await reportingFailures {
                let logger = try logging.bootstrap(to: .standardError, defaultLevel: .warning)
                let home = FileManager.default.homeDirectoryForCurrentUser.path
                let directory = EnvironmentDefaults.string(cacheDir, "CROSSFOLD_CACHE_DIR") ?? "\(home)/.cache/crossfold"
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw CommandFailure(.usage, "\(directory) is not a directory; give --cache-dir the worker's cache directory")
                }
                let cache = try DatasetCache(directory: directory, logger: logger)
                let report = try cache.verifyAll()
                for hash in report.kept { Terminal.standardOutput("ok       \(hash)\n") }
                for (hash, reason) in report.removed { Terminal.standardOutput("deleted  \(hash)  (\(reason))\n") }
                Terminal.standardOutput("\(report.kept.count) sound, \(report.removed.count) deleted\n")
                if !report.removed.isEmpty {
                    throw CommandFailure(.invalidDataset, "\(report.removed.count) cache entr\(report.removed.count == 1 ? "y" : "ies") "
                                         + "did not match \(report.removed.count == 1 ? "its" : "their") name and "
                                         + "\(report.removed.count == 1 ? "was" : "were") deleted; workers fetch them again when needed")
                }
            }
        }
    }
}
