import Foundation
import Testing
import ZeroMQ

@Suite struct ReactorTests {
    /// What the reactor-side code in these tests reports to the awaiting test.
    enum Observation: Sendable, Equatable {
        case message(Message)
        case tick(Int)
        case timedOut
    }

    /// Yields `.timedOut` after the patience window so a missing event fails instead of hanging.
    /// Ends a test that hangs. Longer than `Fixtures.patience`: it runs on the reactor's own
    /// thread, while the test's awaits wait for the cooperative pool, which the full suite can keep
    /// busy for over 30 s at its start.
    static func guardTimeout(_ loop: ReactorLoop, _ continuation: AsyncStream<Observation>.Continuation) {
        loop.schedule(after: .seconds(120)) { continuation.yield(.timedOut) }
    }

    @Test func executesClosuresFromManyThreadsInSubmissionOrderOnOneThread() async throws {
        let reactor = try Reactor()
        reactor.start()
        let record = Locked<[Int]>([])  // thread * jobsPerThread + sequence
        let reactorThreads = Locked<Set<UInt>>([])
        let threadCount = 8
        let jobsPerThread = 250

        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<threadCount {
                group.addTask {
                    // Plain threads, so the producers really are different OS threads.
                    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                        Thread {
                            for sequence in 0..<jobsPerThread {
                                try? reactor.execute { _ in
                                    reactorThreads.update { _ = $0.insert(UInt(pthread_self())) }
                                    record.update { $0.append(thread * jobsPerThread + sequence) }
                                }
                            }
                            done.resume()
                        }.start()
                    }
                }
            }
        }
        // `run` queues behind every job above, so when it returns they have all run.
        let count = try await reactor.run { _ in record().count }
        #expect(count == threadCount * jobsPerThread)
        let entries = record()
        for thread in 0..<threadCount {
            let own = entries.filter { $0 / jobsPerThread == thread }.map { $0 % jobsPerThread }
            #expect(own == Array(0..<jobsPerThread))
        }
        #expect(reactorThreads().count == 1)
        await reactor.stop()
        #expect(reactor.failure == nil)
    }

    @Test func socketEventsFlowToAsyncCodeThroughAnAsyncStream() async throws {
        let reactor = try Reactor()
        reactor.start()
        let (observations, continuation) = AsyncStream<Observation>.makeStream()
        try await reactor.run { loop in
            Self.guardTimeout(loop, continuation)
            let router = try loop.makeSocket(.router)
            try router.bind("inproc://reactor-stream")
            loop.register(router) { socket in
                while let message = try? socket.tryReceive() { continuation.yield(.message(message)) }
            }
            let dealer = try loop.makeSocket(.dealer)
            try dealer.set(.routingID, Array("w1".utf8))
            try dealer.connect("inproc://reactor-stream")
            for index in 0..<3 { try dealer.send(["job", Frame("\(index)")]) }
        }
        var received: [Message] = []
        for await observation in observations {
            guard case .message(let message) = observation else { break }
            received.append(message)
            if received.count == 3 { break }
        }
        #expect(received == [["w1", "job", "0"], ["w1", "job", "1"], ["w1", "job", "2"]])
        await reactor.stop()
    }

    @Test func timersFireOnceOrRepeatUntilCancelled() async throws {
        let reactor = try Reactor(idlePollLimit: .seconds(30))
        reactor.start()
        let (observations, continuation) = AsyncStream<Observation>.makeStream()
        let clock = ContinuousClock()
        let start = clock.now
        // When the one-shot fired, taken on the reactor thread (the test may see it much later).
        let fired = Locked<Duration?>(nil)
        try await reactor.run { loop in
            Self.guardTimeout(loop, continuation)
            loop.schedule(after: .milliseconds(20)) {
                fired.update { $0 = start.duration(to: clock.now) }
                continuation.yield(.tick(0))
            }
            var ticks = 0
            var repeating: ReactorTimer?
            repeating = loop.schedule(after: .milliseconds(5), repeating: .milliseconds(5)) {
                ticks += 1
                continuation.yield(.tick(ticks))
                guard ticks == 3, let timer = repeating else { return }
                loop.cancel(timer)
                // Fires well after a 4th tick would have: seeing it with no 4th proves the cancel.
                loop.schedule(after: .milliseconds(20)) { continuation.yield(.tick(100)) }
            }
            let cancelled = loop.schedule(after: .milliseconds(1)) { continuation.yield(.tick(-1)) }
            loop.cancel(cancelled)
        }
        var seen: [Int] = []
        for await observation in observations {
            guard case .tick(let tick) = observation else { break }
            seen.append(tick)
            if seen.contains(0) && seen.contains(100) { break }
        }
        let oneShotElapsed = fired()
        #expect(seen.filter { $0 != 0 } == [1, 2, 3, 100])
        // The one-shot fired long before the 30 s idle poll limit: timers drive the poll timeout.
        let elapsed = try #require(oneShotElapsed)
        #expect(elapsed >= .milliseconds(20) && elapsed < Fixtures.patience)
        await reactor.stop()
    }

    @Test func stopClosesLingeringSocketsAndRefusesLaterWork() async throws {
        let reactor = try Reactor()
        reactor.start()
        try await reactor.run { loop in
            // Default LINGER is forever and nobody will ever bind this endpoint: without the
            // reactor's LINGER 0 at shutdown, terminating the context would hang.
            let dealer = try loop.makeSocket(.dealer)
            try dealer.connect("inproc://never-bound")
            try dealer.send(["stranded"])
            _ = try dealer.monitor()
        }
        await reactor.stop()
        await reactor.stop()  // idempotent
        #expect(reactor.context.isTerminated)
        #expect(reactor.failure == nil)
        let error = #expect(throws: ZeroMQError.self) { try reactor.execute { _ in } }
        #expect(error?.isTerminated == true)
        await #expect(throws: ZeroMQError.self) { try await reactor.run { _ in 1 } }
    }

    @Test func jobsQueuedBeforeStartRunBeforeTheStop() async throws {
        let reactor = try Reactor()
        let ran = Locked(0)
        for _ in 0..<5 { try reactor.execute { _ in ran.update { $0 += 1 } } }
        await reactor.stop()  // never started: stop launches the thread to drain and shut down
        #expect(ran() == 5)
        #expect(reactor.context.isTerminated)
    }

    @Test func watchedFileDescriptorWakesItsHandler() async throws {
        let reactor = try Reactor()
        reactor.start()
        let signal = try WakeupSignal()
        let (observations, continuation) = AsyncStream<Observation>.makeStream()
        try await reactor.run { loop in
            Self.guardTimeout(loop, continuation)
            var registration: ReactorRegistration?
            registration = loop.watch(fileDescriptor: signal.fileDescriptor) {
                let count = (try? signal.drain()) ?? 0
                continuation.yield(.tick(Int(count)))
                if let registration { loop.unwatch(registration) }
            }
        }
        try signal.signal()
        var iterator = observations.makeAsyncIterator()
        #expect(await iterator.next() == .tick(1))
        await reactor.stop()
    }

    @Test func socketClosedDirectlyIsForgottenAndTheLoopGoesOn() async throws {
        let reactor = try Reactor()
        reactor.start()
        let (observations, continuation) = AsyncStream<Observation>.makeStream()
        try await reactor.run { loop in
            Self.guardTimeout(loop, continuation)
            let doomed = try loop.makeSocket(.pull)
            try doomed.bind("inproc://doomed")
            loop.register(doomed) { _ in }
            doomed.close()  // not loop.close: the loop must notice on its own
            let pull = try loop.makeSocket(.pull)
            try pull.bind("inproc://survivor")
            loop.register(pull) { socket in
                while let message = try? socket.tryReceive() { continuation.yield(.message(message)) }
            }
            let push = try loop.makeSocket(.push)
            try push.connect("inproc://survivor")
            try push.send(["still here"])
        }
        var iterator = observations.makeAsyncIterator()
        #expect(await iterator.next() == .message(["still here"]))
        await reactor.stop()
        #expect(reactor.failure == nil)
    }

    @Test func stopFromManyTasksReturnsForAll() async throws {
        let reactor = try Reactor()
        reactor.start()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 { group.addTask { await reactor.stop() } }
        }
        #expect(reactor.context.isTerminated)
    }
}
