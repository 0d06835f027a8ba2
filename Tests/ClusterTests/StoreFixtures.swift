import Cluster
import Datasets
import Foundation
import Logging
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// Jobs, results and directories for the job store's tests.
enum StoreFixtures {
    static func spec(seed: UInt64 = 7, hash: String = String(repeating: "ab", count: 32)) -> JobSpec {
        JobSpec(
            dataset: hash, datasetName: "clusters.csv", split: "stratified", folds: 4, repeats: 1, seed: seed,
            model: "logistic", params: ["l2": "0.01", "max_iter": "50"], threshold: 0.5)
    }

    static func job(_ id: String, createdAt: Double = 1_700_000_000.25, request: String? = "req-1") -> StoredJob {
        StoredJob(id: id, spec: spec(), request: request, state: .running, createdAt: createdAt)
    }

    /// Scores with awkward values (denormals, negative zero, extremes), so a round trip proves bit-exactness.
    static func result(job: String, task: Int, rows: Int = 5, concepts: Int = 3) -> StoredResult {
        var scores = (0..<(rows * concepts)).map { Float($0) / Float(rows * concepts) + Float(task) / 1000 }
        scores[0] = .leastNonzeroMagnitude
        scores[1] = -0.0
        scores[2] = .greatestFiniteMagnitude
        return StoredResult(job: job, task: task, attempt: 2, worker: "wörker-\(task)", seconds: 0.123_456_789, scores: scores)
    }

    static func open(_ directory: String, logs: WorkerLogCapture = WorkerLogCapture()) throws -> DirectoryJobStore {
        try DirectoryJobStore(directory: directory, logger: logs.logger("store"))
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func bytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }

    /// Cuts a file to `length` bytes, as a crash in the middle of writing it in place would.
    static func truncate(_ path: String, to length: Int) {
        _ = Glibc.truncate(path, off_t(length))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static var isRoot: Bool { geteuid() == 0 }
    static var onCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }
}

extension JobStore {
    /// Keeps `bytes` as the dataset `hash`, through the path an upload takes (written, verified,
    /// kept).
    func storeDataset(_ bytes: [UInt8], hash: String) throws {
        let incoming = try receiveDataset(hash: hash, size: bytes.count)
        try incoming.write(bytes, at: 0)
        _ = try incoming.finish(durable: keepsDatasets)
        try keepDataset(incoming)
    }

    /// The canonical bytes of a stored dataset, or nil.
    func datasetBytes(_ hash: String) throws -> [UInt8]? {
        try openDataset(hash: hash).map(CanonicalDataset.encode)
    }
}
