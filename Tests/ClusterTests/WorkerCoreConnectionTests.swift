import Cluster
import Foundation
import Testing
import Wire

@Suite struct WorkerCoreConnectionTests {
    @Test func sendsReadyOnceOnConnectWithItsCapacityAndCachedHashes() {
        var h = WorkerHarness(slots: 3, cached: [fakeHash("b"), fakeHash("a")])
        let out = h.send(.start)
        #expect(out.actions.first == .connect(generation: 1))
        #expect(out.readies == [WorkerMessage.Ready(
            name: "w1", slots: 3, threads: 2, cached: [fakeHash("a"), fakeHash("b")], software: "crossfold-test")])
        // No refusal came back: READY went out, and is not repeated.
        #expect(h.advance(.seconds(3)).readies.isEmpty)
    }

    @Test func resendsReadyOnlyWhenTheCurrentSocketRefusedIt() {
        var h = WorkerHarness()
        let ready = h.send(.start).sent[0]
        h.send(.controlRefused(ready, generation: 1))
        #expect(h.advance(.milliseconds(100)).readies.count == 1)
        // A refusal from a connection already replaced does not cause a second READY.
        h.send(.controlRefused(ready, generation: 0))
        #expect(h.advance(.seconds(1)).readies.isEmpty)
    }

    @Test func sendsNothingButReadyUntilTheCoordinatorAnswers() {
        var h = WorkerHarness()
        h.send(.start)
        let before = h.advance(.seconds(3))
        #expect(before.sent.isEmpty)
        let after = h.fromCoordinator(.heartbeat) + h.advance(.seconds(3))
        #expect(after.heartbeats == 3)
        #expect(h.core.status.connected)
    }

    @Test func heartbeatsEverySecond() {
        var h = WorkerHarness()
        h.register()
        var beats: [Duration] = []
        for _ in 0..<50 {
            h.clock += .milliseconds(100)
            if h.send(.tick).heartbeats > 0 { beats.append(h.clock) }
            h.fromCoordinator(.heartbeat)
        }
        #expect(beats == (1...5).map { .seconds($0) })
    }

    @Test func reconnectsAfterTenSilentSecondsWithBackoffDoublingToThirtyTwo() {
        var h = WorkerHarness(jitter: 0)
        h.register()
        var closed: [Duration] = []
        var waits: [Duration] = []
        for _ in 0..<3000 {
            h.clock += .milliseconds(100)
            for output in h.send(.tick).actions {
                switch output {
                case .closeConnection: closed.append(h.clock)
                case .connect: waits.append(h.clock - (closed.last ?? .zero))
                default: break
                }
            }
        }
        #expect(closed.first == .seconds(10))
        #expect(Array(waits.prefix(7)) == [1, 2, 4, 8, 16, 32, 32].map { .seconds($0) })
        // Each new connection gets its own 10 s before being given up.
        #expect(closed[1] - closed[0] == .seconds(10 + 1))
    }

    @Test func backoffResetsOnceTheCoordinatorIsHeardAgain() {
        var h = WorkerHarness(jitter: 0)
        h.register()
        h.advance(.seconds(10))  // lost: wait 1 s
        h.advance(.seconds(1))  // reconnect, silent 10 s, wait 2 s
        h.advance(.seconds(10))
        let second = h.advance(.seconds(2))
        #expect(second.actions.contains(.connect(generation: 3)))
        h.fromCoordinator(.heartbeat)
        h.advance(.seconds(10))  // lost again after hearing: back to 1 s
        #expect(h.advance(.seconds(1)).actions.contains(.connect(generation: 4)))
    }

    @Test func jitterStretchesEachWaitByAtMostAQuarter() {
        var h = WorkerHarness(jitter: 0.25)
        h.register()
        var closedAt = Duration.zero
        var waits: [Duration] = []
        for _ in 0..<1500 {
            h.clock += .milliseconds(100)
            for output in h.send(.tick).actions {
                if output == .closeConnection { closedAt = h.clock }
                if case .connect = output { waits.append(h.clock - closedAt) }
            }
        }
        let bases: [Duration] = [1, 2, 4, 8, 16].map { .seconds($0) }
        #expect(waits.count >= bases.count)
        for (wait, base) in zip(waits, bases) {
            // Ticks are 100 ms apart, so a wait is seen up to one tick late.
            #expect(wait >= base && wait <= base * 1.25 + .milliseconds(100))
        }
        #expect(zip(waits, bases).contains { $0 > $1 + .milliseconds(100) })
    }

    @Test func anyInboundMessageProvesTheCoordinatorAlive() {
        var h = WorkerHarness()
        h.register()
        h.advance(.seconds(9))
        // A data reply (even for a dataset not being fetched) is as good as a beat.
        h.fromData(.missing(DatasetRef(dataset: fakeHash("c"))))
        #expect(!h.advance(.seconds(9)).actions.contains(.closeConnection))
        #expect(h.advance(.seconds(1)).actions.contains(.closeConnection))
    }

    @Test func ignoresMessagesOfAConnectionItReplaced() {
        var h = WorkerHarness()
        h.register()
        h.fromCoordinator(.disconnect(Reason(reason: "presumed dead")))
        #expect(h.generation == 2)
        h.send(.control(.heartbeat, generation: 1))
        #expect(!h.core.status.connected)
        h.fromCoordinator(.heartbeat)
        #expect(h.core.status.connected)
    }

    @Test func disconnectFromTheCoordinatorReconnectsAndRegistersAgainKeepingRunningTasks() {
        var h = WorkerHarness(cached: [fakeHash("a")])
        h.register()
        #expect(h.task(0, dataset: fakeHash("a")).started.count == 1)
        let out = h.fromCoordinator(.disconnect(Reason(reason: "unknown worker: send READY first")))
        #expect(out.actions.first == .connect(generation: 2))
        #expect(out.readies.count == 1)
        // The new READY names the fold still running, so the coordinator keeps its lease here.
        #expect(out.readies.first?.holding == [TaskRef(job: "j", task: 0, attempt: 1)])
        #expect(h.core.status.running == 1)
        // The fold finishes before the new connection is registered: its result waits for it.
        let finished = h.send(.taskFinished(
            TaskRef(job: "j", task: 0, attempt: 1), .succeeded(scores: [0.5, 0.5], rows: 1, concepts: 2, seconds: 3)))
        #expect(finished.sent.isEmpty)
        let registered = h.fromCoordinator(.heartbeat)
        #expect(registered.sent == [.result(
            WorkerMessage.TaskResult(job: "j", task: 0, attempt: 1, rows: 1, concepts: 2, seconds: 3), scores: [0.5, 0.5])])
    }

    @Test func aResultSentJustBeforeTheConnectionWasGivenUpGoesOutAgainOnTheNext() {
        // The link dies just after the last heartbeat came in; the fold finishes during the outage
        // and its RESULT is queued on a connection the worker then gives up on.
        var h = WorkerHarness(cached: [fakeHash("a")])
        h.register()
        h.task(0, dataset: fakeHash("a"))
        h.advance(.milliseconds(500))
        let result = h.send(.taskFinished(
            TaskRef(job: "j", task: 0, attempt: 1), .succeeded(scores: [1, 0], rows: 1, concepts: 2, seconds: 1))).sent
        #expect(result.count == 1)
        #expect(h.advance(.milliseconds(9500)).actions.contains(.closeConnection))
        #expect(h.advance(.seconds(1)).actions.contains(.connect(generation: 2)))
        #expect(h.fromCoordinator(.heartbeat).sent == result)
        // Not for ever: once the coordinator has been heard well after it, a later connection
        // does not repeat it.
        h.advance(.seconds(1))
        h.fromCoordinator(.heartbeat)
        h.advance(.seconds(1))
        h.fromCoordinator(.heartbeat)
        h.fromCoordinator(.disconnect(Reason(reason: "unknown worker: send READY first")))
        #expect(!h.fromCoordinator(.heartbeat).sent.contains(result[0]))
    }

    @Test func onALinkThatCannotLoseMessagesNoResultIsKeptToBeSentAgain() {
        // A coordinator in the same process (the embedded cluster): the worker keeps no copy.
        var h = WorkerHarness(cached: [fakeHash("a")], resendsUnconfirmed: false)
        h.register()
        h.task(0, dataset: fakeHash("a"))
        let result = h.send(.taskFinished(
            TaskRef(job: "j", task: 0, attempt: 1), .succeeded(scores: [1, 0], rows: 1, concepts: 2, seconds: 1))).sent
        #expect(result.count == 1)
        h.fromCoordinator(.disconnect(Reason(reason: "unknown worker: send READY first")))
        #expect(!h.fromCoordinator(.heartbeat).sent.contains(result[0]))
    }

    @Test func aResultSentWellBeforeTheCoordinatorWasLastHeardIsNotSentAgain() {
        var h = WorkerHarness(cached: [fakeHash("a"), fakeHash("b")])
        h.register()
        h.task(0, dataset: fakeHash("a"))
        h.task(1, dataset: fakeHash("b"), attempt: 2)
        let delivered = h.send(.taskFinished(
            TaskRef(job: "j", task: 0, attempt: 1), .succeeded(scores: [1, 0], rows: 1, concepts: 2, seconds: 1))).sent
        h.advance(.seconds(1))
        h.fromCoordinator(.heartbeat)
        h.advance(.seconds(1))
        h.fromCoordinator(.heartbeat)
        // A result the coordinator cancelled is not sent again either.
        let cancelled = h.send(.taskFinished(
            TaskRef(job: "j", task: 1, attempt: 2), .succeeded(scores: [0, 1], rows: 1, concepts: 2, seconds: 1))).sent
        h.fromCoordinator(.cancel(TaskRef(job: "j", task: 1, attempt: 2)))
        h.fromCoordinator(.disconnect(Reason(reason: "unknown worker: send READY first")))
        let again = h.fromCoordinator(.heartbeat).sent
        #expect(delivered.count == 1 && cancelled.count == 1)
        #expect(!again.contains(delivered[0]) && !again.contains(cancelled[0]), "\(again)")
    }

    @Test func repeatedDisconnectBeforeRegistrationBacksOff() {
        var h = WorkerHarness(jitter: 0)
        h.send(.start)
        let out = h.fromCoordinator(.disconnect(Reason(reason: "unknown worker")))
        #expect(out.actions == [.closeConnection])
        #expect(!h.advance(.milliseconds(900)).actions.contains(.connect(generation: 2)))
        #expect(h.advance(.milliseconds(100)).actions.contains(.connect(generation: 2)))
    }

    @Test func refusedResultIsKeptAndSentAgain() {
        var h = WorkerHarness(cached: [fakeHash("a")])
        h.register()
        h.task(0, dataset: fakeHash("a"))
        let result = h.send(.taskFinished(
            TaskRef(job: "j", task: 0, attempt: 1), .succeeded(scores: [1, 0], rows: 1, concepts: 2, seconds: 1))).sent
        #expect(result.count == 1)
        h.send(.controlRefused(result[0], generation: 1))
        #expect(h.advance(.milliseconds(100)).sent.contains(result[0]))
    }

    @Test func shutdownSendsDisconnectStopsAndIgnoresEverythingAfter() {
        var h = WorkerHarness(cached: [fakeHash("a")])
        h.register()
        h.task(0, dataset: fakeHash("a"))
        let out = h.send(.shutdown)
        #expect(out.actions == [.sendControl(.disconnect(Reason(reason: "worker shutting down"))), .stop])
        #expect(h.core.isStopped)
        #expect(h.advance(.seconds(10)).isEmpty)
        #expect(h.send(.taskFinished(
            TaskRef(job: "j", task: 0, attempt: 1), .succeeded(scores: [1, 0], rows: 1, concepts: 2, seconds: 1))).isEmpty)
    }

    @Test func coordinatorErrorIsLoggedAndNotTakenAsALiveCoordinator() {
        var h = WorkerHarness()
        h.send(.start)
        let out = h.fromCoordinator(.error(ErrorReply(code: "unsupported-version", message: "run the same release")))
        #expect(out.logs == ["the coordinator refused this worker"])
        #expect(!h.core.status.connected)
        #expect(h.advance(.seconds(10)).actions.contains(.closeConnection))
    }

    /// After a silence the coordinator must decide first: a worker that gave up on a connection
    /// the coordinator still trusted would drop the fold the coordinator had just handed it.
    @Test func theWorkerWaitsTwiceAsLongAsTheCoordinatorBeforeGivingUp() {
        let worker = WorkerConfiguration(name: "w", slots: 1, threads: 1, software: "test")
        #expect(worker.silenceLimit == SchedulerConfiguration().deadAfter * 2)
    }
}

@Suite struct WorkerCoreReadyLimitTests {
    @Test func readyListsAtMost512CachedHashesSoItsHeaderStaysUnder64KiB() {
        let hashes = (0..<600).map { String(format: "%064x", $0) }
        var h = WorkerHarness(cached: Set(hashes))
        let ready = h.send(.start).sent[0]
        guard case .ready(let announced) = ready else {
            Issue.record("expected READY, got \(ready)")
            return
        }
        #expect(announced.cached.count == 512)
        #expect(ready.envelope.header.count < WireProtocol.maxHeaderBytes)
        #expect(throws: Never.self) { try WorkerMessage.decode(ready.envelope.frames) }
    }
}
