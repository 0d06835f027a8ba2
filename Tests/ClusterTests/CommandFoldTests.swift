@testable import Cluster
import Datasets
import Foundation
import Learners
import Testing

/// `CommandFold` on the calling thread, with shell scripts for programs: what the program is
/// given, and that nothing of a run (processes, scratch directory) outlives it however it ends.
@Suite struct CommandFoldTests {
    /// A directory for the scripts, what they record, and the folds' scratch directories.
    final class Sandbox {
        let root: String

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("command-fold-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: root + "/scratch", withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        /// An executable `/bin/sh` script named `name` with `body`.
        func script(_ name: String, _ body: String) throws -> String {
            let path = "\(root)/\(name)"
            try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
            return path
        }

        func read(_ name: String) -> String {
            (try? String(contentsOfFile: "\(root)/\(name)", encoding: .utf8)) ?? ""
        }

        /// Whatever is left in the scratch root (each fold's directory must be gone).
        var leftovers: [String] { (try? FileManager.default.contentsOfDirectory(atPath: root + "/scratch")) ?? [] }
    }

    static let dataset = Dataset(
        featureCount: 2, features: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], concepts: ["a", "b"],
        labels: [1, 0, 0, 1, 1, 0, 0, 1, 1, 0], ids: ["r0", "r1", "r2", "r3", "r4"], isMultiLabel: false)

    static func files(_ dataset: Dataset = dataset) -> CommandFoldFiles {
        CommandFoldFiles(
            training: dataset, trainRows: [0, 2, 3], test: dataset, testRows: [1, 4], repeatIndex: 0, fold: 1, seed: 9,
            threads: 1)
    }

    static func settings(_ program: String, timeout: String = "30", inputs: String = "auto") throws -> CommandSettings {
        try CommandSettings(LearnerSpec(model: "command", params: ["program": program, "timeout": timeout, "inputs": inputs]))
    }

    /// Whether `pid` still runs a second after it was killed (teardown takes a moment).
    static func outlives(_ pid: Int32) -> Bool {
        for _ in 0..<100 where isRunning(pid) { usleep(10_000) }
        return isRunning(pid)
    }

    /// Whether `pid` still runs (a zombie waiting for a reaper that is not us counts as gone).
    static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !stat.contains(") Z ")
    }

    @Test func handsTheProgramTheFoldsFilesAndReadsItsScores() throws {
        let sandbox = try Sandbox()
        // Copies the test rows' ids as scores would be wrong; it copies a prepared matrix instead,
        // after keeping what it was given.
        let scores: [Float] = [0.25, 0.75, 1, 0]
        try NPYFile.save("\(sandbox.root)/scores.npy", .float32, shape: [2, 2], values: scores)
        let program = try sandbox.script("fit", """
            cp "$1" "\(sandbox.root)/fold.json"
            cp "$CROSSFOLD_FOLD_DIR/concepts.txt" "\(sandbox.root)/concepts.txt"
            echo "$CROSSFOLD_SEED $CROSSFOLD_FOLD $CROSSFOLD_REPEAT" > "\(sandbox.root)/env.txt"
            cp "\(sandbox.root)/scores.npy" "$CROSSFOLD_OUTPUT"
            """)
        let result = try CommandFold.run(
            Self.files(), settings: Self.settings(program), scratchRoot: sandbox.root + "/scratch",
            cancellation: FoldCancellation())
        #expect(result == scores)
        #expect(sandbox.read("concepts.txt") == "a\nb\n")
        #expect(sandbox.read("env.txt") == "9 1 0\n")
        let manifest = try JSONDecoder().decode(CommandFoldManifest.self, from: Data(sandbox.read("fold.json").utf8))
        #expect(manifest.trainCount == 3 && manifest.testCount == 2 && manifest.concepts == ["a", "b"])
        // An in-memory dataset has no file to read in place: its rows are copied.
        #expect(manifest.trainFeatures != nil && manifest.trainDataset == nil)
        #expect(sandbox.leftovers.isEmpty)
    }

    @Test func writesTheRowsLabelsAndIndicesAsNumPyReadsThem() throws {
        let sandbox = try Sandbox()
        let manifest = try Self.files().write(into: sandbox.root, inputs: .copy)
        let train = try NPYFile.readFloatMatrix(try #require(manifest.trainFeatures))
        #expect(train.rows == 3 && train.columns == 2 && train.values == [0, 1, 4, 5, 6, 7])
        let test = try NPYFile.readFloatMatrix(try #require(manifest.testFeatures))
        #expect(test.values == [2, 3, 8, 9])
        let labels = try Data(contentsOf: URL(fileURLWithPath: manifest.trainLabels))
        #expect(Array(labels.suffix(6)) == [1, 0, 1, 0, 0, 1])
        let rows = try Data(contentsOf: URL(fileURLWithPath: manifest.testRows))
        // numpy pads the header to a multiple of 64 bytes; two little-endian int64 follow.
        #expect(rows.count % 64 == 16 && Array(rows.suffix(16)) == [1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func aCanonicalFileOnDiskIsReadInPlaceUnlessCopyIsAsked() throws {
        let sandbox = try Sandbox()
        let path = sandbox.root + "/data.cfds"
        try CanonicalDataset.write(Self.dataset, to: path)
        let mapped = try CanonicalDataset.open(try MappedFile(path: path))
        let inPlace = try Self.files(mapped).write(into: sandbox.root, inputs: .auto)
        #expect(inPlace.trainDataset == path && inPlace.testDataset == path)
        #expect(inPlace.trainFeatures == nil && inPlace.testFeatures == nil)
        #expect(try Self.files(mapped).write(into: sandbox.root, inputs: .copy).trainDataset == nil)
        // Once the path no longer names the mapped file, the rows are copied.
        try FileManager.default.removeItem(atPath: path)
        #expect(try Self.files(mapped).write(into: sandbox.root, inputs: .auto).trainFeatures != nil)
    }

    @Test func cancellingKillsTheProgramsWholeProcessGroupAndRemovesTheScratch() async throws {
        let sandbox = try Sandbox()
        // The program starts a child that would sleep on, then waits for it.
        let program = try sandbox.script("fit", """
            sleep 300 &
            echo "$$ $!" > "\(sandbox.root)/pids.tmp" && mv "\(sandbox.root)/pids.tmp" "\(sandbox.root)/pids"
            wait
            """)
        let cancellation = FoldCancellation()
        let settings = try Self.settings(program)
        let root = sandbox.root
        let run = Task.detached { () -> CommandFailure? in
            do {
                _ = try CommandFold.run(Self.files(), settings: settings, scratchRoot: root + "/scratch", cancellation: cancellation)
                return nil
            } catch let failure as CommandFailure {
                return failure
            } catch {
                return nil
            }
        }
        var pids: [Int32] = []
        for _ in 0..<500 where pids.count < 2 {
            try await Task.sleep(for: .milliseconds(20))
            pids = sandbox.read("pids").split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
        }
        try #require(pids.count == 2, "the program did not start")
        #expect(pids.allSatisfy(Self.isRunning))
        cancellation.cancel()
        let failure = await run.value
        #expect(failure?.reason == .cancelled)
        #expect(!pids.contains(where: Self.outlives), "a process of the program's group outlived the cancel")
        #expect(sandbox.leftovers.isEmpty)
    }

    @Test func aTimeOutKillsTheGroupAndQuotesTheProgramsLastErrorLines() throws {
        let sandbox = try Sandbox()
        let program = try sandbox.script("fit", """
            echo "loading" >&2
            echo "training for ever" >&2
            sleep 300 &
            echo $! > "\(sandbox.root)/child"
            wait
            """)
        let failure = #expect(throws: CommandFailure.self) {
            try CommandFold.run(
                Self.files(), settings: Self.settings(program, timeout: "0.5"), scratchRoot: sandbox.root + "/scratch",
                cancellation: FoldCancellation())
        }
        #expect(failure?.reason == .timedOut(.milliseconds(500)))
        #expect(failure?.stderrTail == ["loading", "training for ever"])
        #expect(failure?.description.contains("did not finish within 0.5 s") == true)
        #expect(failure?.description.contains("--param timeout=SECONDS") == true)
        let child = Int32(sandbox.read("child").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(child > 0 && !Self.outlives(child))
        #expect(sandbox.leftovers.isEmpty)
    }

    @Test func aProgramThatCannotStartSaysItMustExistOnEveryWorker() throws {
        let sandbox = try Sandbox()
        let failure = #expect(throws: CommandFailure.self) {
            try CommandFold.run(
                Self.files(), settings: Self.settings(sandbox.root + "/missing.py"), scratchRoot: sandbox.root + "/scratch",
                cancellation: FoldCancellation())
        }
        #expect(failure?.description.contains("could not be started: No such file or directory") == true)
        #expect(failure?.description.contains("on every worker host") == true)
        #expect(sandbox.leftovers.isEmpty)
    }
}
