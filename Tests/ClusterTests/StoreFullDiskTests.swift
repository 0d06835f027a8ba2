import Cluster
import Foundation
import Testing
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// A real full disk: a tiny tmpfs, which needs root (skipped otherwise, a failure when CI is set).
/// The store reports ENOSPC saying what to do and leaves nothing half-written; the coordinator
/// over it refuses new work, retries results and fails the job with the reason, and carries on
/// once there is room again.
@Suite(.serialized) struct StoreFullDiskTests {
    @Test func aFullDiskIsAClearErrorAndLeavesNoHalfWrittenFile() throws {
        let disk = try TinyDisk.mount(bytes: 256 << 10)
        defer { disk.unmount() }
        let store = try StoreFixtures.open(disk.path + "/state")
        defer { store.close() }
        try store.create(StoreFixtures.job("j"))
        // 400 KB of scores on a 256 KiB file system.
        let tooBig = StoredResult(job: "j", task: 0, attempt: 1, worker: "w", seconds: 1,
                                  scores: [Float](repeating: 0.25, count: 100_000))
        let error = try #require(throws: JobStoreError.self) { try store.saveResult(tooBig) }
        #expect(error.kind == .unwritable && error.code == ENOSPC)
        #expect(error.message.contains("No space left on device"))
        #expect(error.message.contains("the disk is full: free space there, or move --state-dir to a larger disk"))
        #expect(WorkerFixtures.files(in: disk.path + "/state/jobs/j/results").isEmpty, "the partial temporary file is removed")
        // What fits is still stored.
        try store.saveResult(StoreFixtures.result(job: "j", task: 1))
        #expect(try store.results(of: "j").keys.sorted() == [1])
    }

    @Test func aCoordinatorOnAFullDiskKeepsRunningAndLosesNoAcceptedJob() throws {
        let disk = try TinyDisk.mount(bytes: 512 << 10)
        defer { disk.unmount() }
        let store = try StoreFixtures.open(disk.path + "/state")
        defer { store.close() }
        let h = StoreCoreHarness(store: store)
        _ = h.ready(slots: 3)
        var next = try #require(StoreCoreHarness.tasks(h.submit("r1")).first)
        let job = next.task.job
        disk.fill()

        let refused = try #require(StoreCoreHarness.error(h.submit("r2")))
        #expect(refused.code == "store-failed" && refused.message.contains("disk is full"))
        for _ in 1..<3 {
            next = try #require(StoreCoreHarness.tasks(h.result(for: next.task, rows: next.rows)).first)
        }
        let last = h.result(for: next.task, rows: next.rows)
        #expect(StoreCoreHarness.logs(last).contains("could not record a job's end; after a restart the job resumes"))
        let status = try #require(h.status(job))
        #expect(status.state == .failed)
        #expect(status.message?.contains("No space left on device") == true)
        // The store could not record the failure, so the job is still there to resume.
        #expect(try store.job(job)?.state == .running)

        disk.makeRoom()
        let again = try #require(StoreCoreHarness.submitted(h.submit("r2")))
        #expect(try store.job(again)?.state == .running)
    }
}

/// A tmpfs of a few hundred KiB mounted on a scratch directory.
struct TinyDisk {
    let path: String

    /// Mounts one. Where that is not allowed the calling test is skipped, or fails when CI is
    /// set (CI must run it).
    static func mount(bytes: Int) throws -> TinyDisk {
        let path = WorkerFixtures.scratchDirectory("tmpfs")
        let status = StoreFixtures.isRoot
            ? run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(bytes),mode=0755", "crossfold-test", path]) : -1
        guard status == 0 else {
            WorkerFixtures.remove(path)
            let problem = StoreFixtures.isRoot ? "mount -t tmpfs exited \(status)" : "not root, so no tmpfs can be mounted"
            if StoreFixtures.onCI { throw TinyDiskUnavailable(description: "\(problem); CI is set, so the full-disk tests fail") }
            try Test.cancel("skipped: \(problem) (set CI=1 to make this a failure)")
        }
        return TinyDisk(path: path)
    }

    /// Takes every free byte with a filler file.
    func fill() {
        let fd = open(path + "/filler", O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        defer { close(fd) }
        let block = [UInt8](repeating: 0, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    func makeRoom() {
        unlink(path + "/filler")
    }

    func unmount() {
        _ = Self.run("/bin/umount", [path])
        WorkerFixtures.remove(path)
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

struct TinyDiskUnavailable: Error, CustomStringConvertible {
    let description: String
}
