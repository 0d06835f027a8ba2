import Cluster
import Foundation
import Testing
import Wire

/// What a crash can leave in a state dir (temporary files, files cut short, damaged bytes) is
/// ignored or cleaned up when the store reopens: logged, never a crash, never wrong data.
@Suite struct StoreCrashConsistencyTests {
    /// A store with one running job holding results 0-3, closed as a killed coordinator leaves it.
    static func populated(_ name: String) throws -> String {
        let directory = WorkerFixtures.scratchDirectory(name)
        let store = try StoreFixtures.open(directory)
        try store.create(StoreFixtures.job("job"))
        for task in 0..<4 { try store.saveResult(StoreFixtures.result(job: "job", task: task)) }
        store.close()
        return directory
    }

    @Test func temporaryFilesOfInterruptedWritesAreRemovedOnReopen() throws {
        let directory = try Self.populated("store-temporaries")
        defer { WorkerFixtures.remove(directory) }
        let results = directory + "/jobs/job/results"
        // A result, a state file, a dataset and a whole job directory caught mid-write.
        try StoreFixtures.write("CFRESU", to: results + "/.4.bin.4242.17.tmp")
        try StoreFixtures.write("{\"sta", to: directory + "/jobs/job/.state.4242.18.tmp")
        try StoreFixtures.write("partial", to: directory + "/datasets/.\(String(repeating: "a", count: 64)).cfds.4242.19.tmp")
        try FileManager.default.createDirectory(atPath: directory + "/jobs/.half.4242.20.tmp", withIntermediateDirectories: true)
        try StoreFixtures.write("{\"format\":1", to: directory + "/jobs/.half.4242.20.tmp/spec.json")

        let logs = WorkerLogCapture()
        let store = try StoreFixtures.open(directory, logs: logs)
        defer { store.close() }
        #expect(try store.jobs().map(\.id) == ["job"])
        #expect(try store.results(of: "job").keys.sorted() == [0, 1, 2, 3])
        #expect(WorkerFixtures.files(in: results) == ["0.bin", "1.bin", "2.bin", "3.bin"])
        #expect(WorkerFixtures.files(in: directory + "/jobs") == ["job"])
        #expect(WorkerFixtures.files(in: directory + "/datasets").isEmpty)
        let opened = try #require(logs.records.first { $0.message == "job store opened" })
        #expect(opened.metadata["temporary_files_removed"] == "4")
        #expect(opened.metadata["unfinished"] == "1" && opened.metadata["results"] == "4")
    }

    @Test func truncatedOrDamagedResultsAreSetAsideAndComputedAgain() throws {
        let directory = try Self.populated("store-damaged-results")
        defer { WorkerFixtures.remove(directory) }
        let results = directory + "/jobs/job/results"
        StoreFixtures.truncate(results + "/0.bin", to: 30)                     // inside the header
        let full = try #require(StoreFixtures.bytes(results + "/1.bin"))
        StoreFixtures.truncate(results + "/1.bin", to: full.count - 7)         // inside the scores
        var flipped = try #require(StoreFixtures.bytes(results + "/2.bin"))
        flipped[50] ^= 0x10                                                    // one bit of a score
        try Data(flipped).write(to: URL(fileURLWithPath: results + "/2.bin"))
        StoreFixtures.truncate(results + "/3.bin", to: 0)                       // nothing written

        let logs = WorkerLogCapture()
        let store = try StoreFixtures.open(directory, logs: logs)
        defer { store.close() }
        #expect(try store.results(of: "job").isEmpty)
        #expect(try store.resultCount(of: "job") == 0)
        #expect(WorkerFixtures.files(in: results) == ["0.bin.corrupt", "1.bin.corrupt", "2.bin.corrupt", "3.bin.corrupt"])
        let reasons = logs.records.filter { $0.level == .error }.compactMap { $0.metadata["reason"]?.description }
        #expect(reasons.count == 4)
        #expect(reasons.contains { $0.contains("checksum mismatch") })
        #expect(reasons.contains { $0.contains("shorter than a header") })

        // The task runs again and its new result is stored, not skipped as "already there".
        try store.saveResult(StoreFixtures.result(job: "job", task: 1))
        #expect(try store.results(of: "job") == [1: StoreFixtures.result(job: "job", task: 1)])
    }

    @Test func aResultFileUnderAnotherTasksNameIsRefused() throws {
        let directory = try Self.populated("store-renamed-result")
        defer { WorkerFixtures.remove(directory) }
        let results = directory + "/jobs/job/results"
        try FileManager.default.removeItem(atPath: results + "/3.bin")
        try FileManager.default.copyItem(atPath: results + "/0.bin", toPath: results + "/3.bin")
        let store = try StoreFixtures.open(directory)
        defer { store.close() }
        #expect(try store.results(of: "job").keys.sorted() == [0, 1, 2])
    }

    @Test func jobsWithUnreadableFilesAreSkippedResumedOrRecomputedNeverLost() throws {
        let directory = try Self.populated("store-damaged-jobs")
        defer { WorkerFixtures.remove(directory) }
        let store = try StoreFixtures.open(directory)
        try store.create(StoreFixtures.job("no-state", createdAt: 2))
        try store.create(StoreFixtures.job("bad-spec", createdAt: 3))
        try store.create(StoreFixtures.job("done", createdAt: 4))
        try store.saveMetrics(job: "done", json: Array(#"{"summary":{"macro_avg_roc_auc":0.5}}"#.utf8))
        try store.update(job: "done", state: .completed, message: nil)
        store.close()
        try FileManager.default.removeItem(atPath: directory + "/jobs/no-state/state")
        StoreFixtures.truncate(directory + "/jobs/bad-spec/spec.json", to: 20)
        StoreFixtures.truncate(directory + "/jobs/done/metrics.json", to: 12)
        try FileManager.default.createDirectory(atPath: directory + "/jobs/empty-dir", withIntermediateDirectories: true)

        let logs = WorkerLogCapture()
        let reopened = try StoreFixtures.open(directory, logs: logs)
        defer { reopened.close() }
        let jobs = try reopened.jobs()
        #expect(jobs.map(\.id) == ["no-state", "done", "job"], "oldest first")
        #expect(try reopened.job("no-state")?.state == .running, "a job whose state is unknown resumes")
        // Its metrics are gone but its folds are stored: it resumes and computes them again.
        #expect(try reopened.job("done")?.state == .running)
        #expect(try reopened.metrics(of: "done") == nil)
        let messages = logs.records.map(\.message)
        #expect(messages.filter { $0 == "ignored a job directory without a readable spec.json" }.count == 2)
        #expect(messages.contains("a job's state file is missing or unreadable; the job resumes"))
        #expect(messages.contains("a completed job has no readable metrics; it resumes and computes them again"))
    }

    @Test func lostAttemptsSurviveAReopenAndADamagedRecordGivesThemBack() throws {
        let directory = WorkerFixtures.scratchDirectory("store-attempts")
        defer { WorkerFixtures.remove(directory) }
        let store = try StoreFixtures.open(directory)
        try store.create(StoreFixtures.job("j"))
        try store.saveLostAttempts(job: "j", task: 4, LostAttempts(count: 1, lastCause: "worker a lost (connection gone)"))
        try store.saveLostAttempts(job: "j", task: 0, LostAttempts(count: 1, lastCause: "lease expired on worker b"))
        try store.saveLostAttempts(job: "j", task: 4, LostAttempts(count: 2, lastCause: "worker c failed: out of memory"))
        #expect(throws: JobStoreError.self) {
            try store.saveLostAttempts(job: "nobody", task: 0, LostAttempts(count: 1, lastCause: "x"))
        }
        store.close()

        let reopened = try StoreFixtures.open(directory)
        #expect(try reopened.lostAttempts(of: "j") == [
            0: LostAttempts(count: 1, lastCause: "lease expired on worker b"),
            4: LostAttempts(count: 2, lastCause: "worker c failed: out of memory"),
        ])
        reopened.close()
        let path = directory + "/jobs/j/attempts.json"
        StoreFixtures.truncate(path, to: 10)

        let logs = WorkerLogCapture()
        let damaged = try StoreFixtures.open(directory, logs: logs)
        defer { damaged.close() }
        // Set aside and read as none: the folds get their attempts back, never fewer.
        #expect(try damaged.lostAttempts(of: "j").isEmpty)
        #expect(FileManager.default.fileExists(atPath: path + ".corrupt"))
        #expect(logs.records.map(\.message).contains {
            $0.hasPrefix("ignored a damaged file in the job store")
        })
    }

    @Test func aDamagedDatasetIsNeverServedAndCanBeUploadedAgain() throws {
        let directory = WorkerFixtures.scratchDirectory("store-damaged-dataset")
        defer { WorkerFixtures.remove(directory) }
        let (bytes, hash) = WorkerFixtures.canonical(WorkerFixtures.dataset(rows: 40))
        let store = try StoreFixtures.open(directory)
        try store.storeDataset(bytes, hash: hash)
        store.close()
        let path = directory + "/datasets/\(hash).cfds"
        StoreFixtures.truncate(path, to: bytes.count / 2)

        let reopened = try StoreFixtures.open(directory)
        defer { reopened.close() }
        #expect(try reopened.datasetBytes(hash) == nil)
        #expect(FileManager.default.fileExists(atPath: path + ".corrupt"))
        try reopened.storeDataset(bytes, hash: hash)
        #expect(try reopened.datasetBytes(hash) == bytes)
    }
}
