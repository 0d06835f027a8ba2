import Cluster
import Foundation
import Synchronization
import Testing
import TestSupport
import Wire

/// The decoders a client and a worker run on what a coordinator sends: mutated replies of every
/// kind must decode or throw `WireError`, never crash. (A coordinator is the peer these trust
/// most, but a compromised or buggy one must not take them down.)
@Suite struct FuzzReplyDecoderTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["CROSSFOLD_FUZZ_SEED"] ?? "") ?? 0xDEC0DE

    /// One valid message of each kind a client, a worker's control socket or its data socket reads.
    static var valid: [[[UInt8]]] {
        let hash = String(repeating: "ab", count: 32)
        let status = JobStatus(
            job: "j", state: .running, datasetName: "d.csv", model: "logistic", tasksTotal: 5, tasksDone: 2, tasksRunning: 1,
            attemptsLost: 0, workers: 2, workersBusy: 1, elapsedSeconds: 1.5, etaSeconds: 2, message: nil)
        let results = ClientReply.ResultsHeader(request: "r", job: "j", state: .completed, rows: 3, conceptIds: ["a", "b"], repeats: 1)
        let replies: [ClientReply] = [
            .info(.init(request: "r", software: "s", workers: 1, slots: 2, jobs: 0)),
            .has(request: "r", dataset: hash, present: true),
            .uploadAck(.init(request: "r", dataset: hash, received: 10, complete: false)),
            .submitted(request: "r", job: "j"),
            .jobs(request: "r", jobs: [status, status]),
            .status(request: "r", status: status),
            .cancelled(request: "r", job: "j"),
            .results(results, metrics: Array("{}".utf8), inputIDs: ["x", "y", "z"],
                     predictions: [(folds: [0, 1, 0], scores: [0.1, 0.9, 0.2, 0.8, 0.3, 0.7])]),
            .error(ErrorReply(request: "r", code: "usage", message: "no")),
        ]
        let task = TaskAssignment(
            job: "j", task: 0, attempt: 1, dataset: hash, holdout: nil, repeatIndex: 0, fold: 0, testRows: 3,
            model: "logistic", params: ["l2": "1"], seed: 7, leaseMilliseconds: 30_000)
        let control: [CoordinatorMessage] = [
            .heartbeat, .task(task, testRows: [0, 2, 4]), .cancel(TaskRef(job: "j", task: 0, attempt: 1)),
            .disconnect(Reason(reason: "bye")), .error(ErrorReply(code: "unsupported-version", message: "no")),
        ]
        let data: [DataReply] = [
            .chunk(.init(dataset: hash, offset: 0, size: 100), bytes: [UInt8](repeating: 1, count: 100)),
            .missing(DatasetRef(dataset: hash)),
        ]
        return replies.map(\.envelope.frames) + control.map(\.envelope.frames) + data.map(\.envelope.frames)
    }

    @Test(.timeLimit(.minutes(3)))
    func mutatedRepliesDecodeOrThrowAWireError() async {
        let (seed, valid) = (Self.seed, Self.valid)
        let accepted = Mutex(0)
        let count = 60_000
        let report = await FuzzWatchdog.run(count: count, limit: .seconds(5)) { index in
            var random = FuzzRandom(seed: FuzzRandom.caseSeed(seed, index))
            var frames = valid[index % valid.count]
            switch random.below(4) {
            case 0:
                _ = FuzzMessageGenerator.mutateFrames(&frames, using: &random)
            case 1:
                frames[2] = ByteMutator(tokens: FuzzMessageGenerator.jsonTokens).mutate(frames[2], rounds: 1 + random.below(4), using: &random).bytes
            case 2:
                // Numbers in the header swapped for edge values: sizes, counts, repeats, offsets.
                var text = String(decoding: frames[2], as: UTF8.self)
                for key in ["repeats", "rows", "size", "offset", "test_rows", "received", "tasks_total", "workers"]
                where random.chance(1, in: 2) {
                    let value = random.pick(FuzzValues.numbers)
                    text = text.replacingOccurrences(
                        of: "\"\(key)\":[-0-9.e]+", with: "\"\(key)\":\(value)", options: .regularExpression)
                }
                frames[2] = Array(text.utf8)
            default:
                if frames.count > 3 { frames[3 + random.below(frames.count - 3)] = random.bytes(random.skewedSize(upTo: 64)) }
            }
            var decoded = 0
            if (try? ClientReply.decode(frames)) != nil { decoded += 1 }
            if (try? CoordinatorMessage.decode(frames)) != nil { decoded += 1 }
            if (try? DataReply.decode(frames)) != nil { decoded += 1 }
            if decoded > 0 { accepted.withLock { $0 += 1 } }
        }
        if let hung = report.hung { Issue.record("seed \(seed): reply case \(hung) ran past 5 s") }
        #expect(report.completed == count)
        #expect(accepted.withLock { $0 } > 0)
        print("fuzz replies: seed \(seed), \(count) mutated replies in \(report.elapsed), \(accepted.withLock { $0 }) still decoded")
    }
}
