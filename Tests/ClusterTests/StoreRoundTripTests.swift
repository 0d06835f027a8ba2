import Cluster
import Datasets
import Foundation
import Testing
import TestSupport
import Wire

/// The directory job store keeps what it is given, across a reopen, bit for bit.
@Suite struct StoreRoundTripTests {
    @Test func jobsResultsMetricsAndDatasetsSurviveAReopen() throws {
        let directory = WorkerFixtures.scratchDirectory("store-roundtrip")
        defer { WorkerFixtures.remove(directory) }
        let dataset = GaussianClusters.make(rows: 40, features: 3, concepts: 2)
        let (bytes, hash) = WorkerFixtures.canonical(dataset)
        let metrics = Array(#"{"status":{"code":21300},"summary":{"macro_avg_roc_auc":0.9}}"#.utf8)

        let first = try StoreFixtures.open(directory)
        var older = StoreFixtures.job("job-older", createdAt: 100)
        older.spec.seed = .max
        try first.create(StoreFixtures.job("job-newer", createdAt: 200, request: nil))
        try first.create(older)
        for task in [0, 2] { try first.saveResult(StoreFixtures.result(job: "job-older", task: task)) }
        try first.saveMetrics(job: "job-older", json: metrics)
        try first.update(job: "job-older", state: .completed, message: nil)
        try first.update(job: "job-newer", state: .failed, message: "fold 2 of repeat 1 failed: \"quoted\"\nnewline")
        try first.storeDataset(bytes, hash: hash)
        let before = try first.jobs()
        first.close()

        let reopened = try StoreFixtures.open(directory)
        defer { reopened.close() }
        let after = try reopened.jobs()
        #expect(after == before)
        #expect(after.map(\.id) == ["job-older", "job-newer"], "oldest first")
        #expect(after[0].spec.seed == .max && after[0].request == "req-1" && after[1].request == nil)
        #expect(after.allSatisfy { $0.finishedAt != nil }, "a final state records when the job finished")
        let results = try reopened.results(of: "job-older")
        #expect(results == [0: StoreFixtures.result(job: "job-older", task: 0), 2: StoreFixtures.result(job: "job-older", task: 2)])
        #expect(results[2]?.scores.map(\.bitPattern) == StoreFixtures.result(job: "job-older", task: 2).scores.map(\.bitPattern))
        #expect(try reopened.resultCount(of: "job-older") == 2)
        #expect(try reopened.metrics(of: "job-older") == metrics)
        #expect(try reopened.metrics(of: "job-newer") == nil)
        #expect(try reopened.datasetBytes(hash) == bytes)
        #expect(try reopened.job("job-newer")?.message == "fold 2 of repeat 1 failed: \"quoted\"\nnewline")
        #expect(try reopened.job("no-such-job") == nil)
    }

    @Test func theFirstResultOfATaskIsTheOneKept() throws {
        let directory = WorkerFixtures.scratchDirectory("store-first-wins")
        defer { WorkerFixtures.remove(directory) }
        let store = try StoreFixtures.open(directory)
        defer { store.close() }
        try store.create(StoreFixtures.job("j"))
        let first = StoreFixtures.result(job: "j", task: 1)
        var second = first
        second.attempt = 3
        second.scores = second.scores.map { _ in 0.5 }
        try store.saveResult(first)
        try store.saveResult(second)
        #expect(try store.results(of: "j")[1] == first)
    }

    /// A sweep's predictions are filled from the stored results read again; a read that fails
    /// then fails the write, leaves no predictions file (nor its temporary) and keeps the error.
    @Test func aPredictionsFillThatFailsLeavesNoFile() throws {
        let directory = WorkerFixtures.scratchDirectory("store-fill-fails")
        defer { WorkerFixtures.remove(directory) }
        let store = try StoreFixtures.open(directory)
        defer { store.close() }
        try store.create(StoreFixtures.job("j"))
        let refusal = JobStoreError(.unreadable, "the sweep's predictions: task 3 of job j has no stored result")
        #expect(throws: refusal) {
            try store.savePredictions(job: "j", size: 4096) { (buffer: UnsafeMutableRawBufferPointer) throws(JobStoreError) in
                buffer.initializeMemory(as: UInt8.self, repeating: 7)
                throw refusal
            }
        }
        #expect(try store.predictions(of: "j") == nil)
        let left = try FileManager.default.subpathsOfDirectory(atPath: directory).filter { $0.contains("predictions") }
        #expect(left.isEmpty, "\(left)")

        try store.savePredictions(job: "j", size: 64) { (buffer: UnsafeMutableRawBufferPointer) throws(JobStoreError) in
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
        }
        let kept = try FileManager.default.subpathsOfDirectory(atPath: directory).filter { $0.contains("predictions") }
        #expect(kept.count == 1, "the same store writes a fill that succeeds: \(kept)")
    }

    @Test func theLayoutIsPlainFilesNamedAfterWhatTheyHold() throws {
        let directory = WorkerFixtures.scratchDirectory("store-layout")
        defer { WorkerFixtures.remove(directory) }
        let store = try StoreFixtures.open(directory)
        defer { store.close() }
        try store.create(StoreFixtures.job("0123abcd"))
        try store.saveResult(StoreFixtures.result(job: "0123abcd", task: 3))
        try store.saveMetrics(job: "0123abcd", json: Array("{}".utf8))
        let (bytes, hash) = WorkerFixtures.canonical(WorkerFixtures.dataset(rows: 12))
        try store.storeDataset(bytes, hash: hash)

        #expect(WorkerFixtures.files(in: directory) == ["FORMAT", "datasets", "jobs", "lock"])
        #expect(WorkerFixtures.files(in: directory + "/jobs/0123abcd") == ["metrics.json", "results", "spec.json", "state"])
        #expect(WorkerFixtures.files(in: directory + "/jobs/0123abcd/results") == ["3.bin"])
        #expect(WorkerFixtures.files(in: directory + "/datasets") == ["\(hash).cfds", "\(hash).cfds.verified"])
        let spec = try String(contentsOfFile: directory + "/jobs/0123abcd/spec.json", encoding: .utf8)
        #expect(spec.contains(#""dataset_name" : "clusters.csv""#) && spec.contains(#""request" : "req-1""#))
        let state = try String(contentsOfFile: directory + "/jobs/0123abcd/state", encoding: .utf8)
        #expect(state.contains(#""state" : "running""#))
        // 40-byte header, the worker id, 15 scores, the checksum.
        let result = try #require(StoreFixtures.bytes(directory + "/jobs/0123abcd/results/3.bin"))
        #expect(result.count == 40 + "wörker-3".utf8.count + 15 * 4 + 4)
        #expect(Array(result[0..<8]) == Array("CFRESULT".utf8))
        #expect(try String(contentsOfFile: directory + "/lock", encoding: .utf8) == "\(getpid())\n")
    }

    @Test func aResultFileReadsAsDocumentedWithPythonsStructAndZlib() async throws {
        let directory = WorkerFixtures.scratchDirectory("store-python")
        defer { WorkerFixtures.remove(directory) }
        let store = try StoreFixtures.open(directory)
        defer { store.close() }
        try store.create(StoreFixtures.job("j"))
        let result = StoreFixtures.result(job: "j", task: 7)
        try store.saveResult(result)
        let script = #"""
            import sys, struct, zlib
            d = open(sys.stdin.read().strip(), "rb").read()
            magic, version, task, attempt, w, seconds, count = struct.unpack("<8sIIIIdQ", d[:40])
            assert len(d) == 40 + w + 4 * count + 4, "length"
            assert zlib.crc32(d[:-4]) == struct.unpack("<I", d[-4:])[0], "crc"
            scores = struct.unpack("<%df" % count, d[40 + w:40 + w + 4 * count])
            print(magic.decode(), version, task, attempt, d[40:40 + w].decode(), repr(seconds), count, repr(scores[5]))
            """#
        let output = try await PythonOracle.run(script, input: directory + "/jobs/j/results/7.bin")
        let expected = "CFRESULT 1 7 2 \(result.worker) 0.123456789 15 \(Double(result.scores[5]))"
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
    }

    @Test func writesForUnknownJobsAndBadNamesAreRefused() throws {
        let directory = WorkerFixtures.scratchDirectory("store-refusals")
        defer { WorkerFixtures.remove(directory) }
        let store = try StoreFixtures.open(directory)
        defer { store.close() }
        #expect(throws: JobStoreError.self) { try store.saveResult(StoreFixtures.result(job: "missing", task: 0)) }
        #expect(throws: JobStoreError.self) { try store.update(job: "missing", state: .failed, message: nil) }
        #expect(throws: JobStoreError.self) { try store.saveMetrics(job: "missing", json: []) }
        let escaping = StoredJob(id: "../escape", spec: StoreFixtures.spec(), state: .running, createdAt: 0)
        #expect(throws: JobStoreError.self) { try store.create(escaping) }
        #expect(throws: JobStoreError.self) { try store.receiveDataset(hash: "../../etc/passwd", size: 64) }
        #expect(try store.openDataset(hash: "../../etc/passwd") == nil)
        #expect(try store.results(of: "missing").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory + "/escape"))
    }

    @Test func aSecondCoordinatorOnTheSameStateDirIsRefusedUntilTheFirstIsGone() throws {
        let directory = WorkerFixtures.scratchDirectory("store-lock")
        defer { WorkerFixtures.remove(directory) }
        let first = try StoreFixtures.open(directory)
        let error = try #require(throws: JobStoreError.self) { try StoreFixtures.open(directory) }
        #expect(error.kind == .locked)
        #expect(error.message.contains("in use by another coordinator (pid \(getpid()))"))
        #expect(error.message.contains("--state-dir"))
        first.close()
        try StoreFixtures.open(directory).close()
    }

    @Test func aStoreOfAnotherFormatIsRefused() throws {
        let directory = WorkerFixtures.scratchDirectory("store-format")
        defer { WorkerFixtures.remove(directory) }
        try StoreFixtures.write("crossfold job store 99\n", to: directory + "/FORMAT")
        let error = try #require(throws: JobStoreError.self) { try StoreFixtures.open(directory) }
        #expect(error.kind == .incompatible)
        #expect(error.message.contains("another crossfold release"))
    }

    @Test func aStateDirThatCannotBeCreatedSaysWhatToDo() throws {
        let directory = WorkerFixtures.scratchDirectory("store-not-a-dir")
        defer { WorkerFixtures.remove(directory) }
        // A regular file where a directory should be stops root too, unlike permissions.
        try StoreFixtures.write("not a directory", to: directory + "/file")
        let error = try #require(throws: JobStoreError.self) { try StoreFixtures.open(directory + "/file/state") }
        #expect(error.kind == .unwritable)
        #expect(error.message.contains(directory + "/file/state"))
        #expect(error.message.contains("give --state-dir a directory"))
    }
}

