import Foundation
import Testing
import ZeroMQ

@Suite struct PollTests {
    @Test func pollWaitsForTheTimeoutWhenNothingIsReady() throws {
        let context = try Fixtures.context()
        let pull = try Fixtures.socket(context, .pull)
        try pull.bind(Fixtures.inproc())
        let clock = ContinuousClock()
        let start = clock.now
        let events = try poll([.socket(pull)], timeout: .milliseconds(50))
        let elapsed = start.duration(to: clock.now)
        #expect(events == [[]])
        // libzmq counts whole milliseconds on its own clock; allow one of slack below.
        #expect(elapsed >= .milliseconds(49))
        #expect(elapsed < Fixtures.patience)
    }

    @Test func pollReportsOnlyTheReadySocket() throws {
        let context = try Fixtures.context()
        let idle = try Fixtures.socket(context, .pull)
        try idle.bind(Fixtures.inproc())
        let busy = try Fixtures.socket(context, .pull)
        let endpoint = Fixtures.inproc()
        try busy.bind(endpoint)
        let push = try Fixtures.socket(context, .push)
        try push.connect(endpoint)
        try push.send(["ping"])

        let events = try poll([.socket(idle), .socket(busy), .socket(push, .writable)], timeout: Fixtures.patience)
        #expect(events == [[], .readable, .writable])
        #expect(try busy.receive() == ["ping"])
    }

    @Test func wakeupSignalFromAnotherThreadEndsAPoll() throws {
        let wakeup = try WakeupSignal()
        let clock = ContinuousClock()
        let start = clock.now
        let signaller = Thread {
            // Whether this lands before or during the poll, the eventfd stays readable until drained.
            try? wakeup.signal()
        }
        signaller.start()
        let events = try poll([wakeup.pollItem], timeout: Fixtures.patience)
        #expect(events == [.readable])
        #expect(start.duration(to: clock.now) < Fixtures.patience)
        #expect(try wakeup.drain() == 1)
        #expect(try poll([wakeup.pollItem], timeout: .zero) == [[]])
    }

    @Test func wakeupSignalsCoalesceUntilDrained() throws {
        let wakeup = try WakeupSignal()
        #expect(try wakeup.drain() == 0)
        for _ in 0..<3 { try wakeup.signal() }
        #expect(try poll([wakeup.pollItem], timeout: .zero) == [.readable])
        #expect(try wakeup.drain() == 3)
        #expect(try wakeup.drain() == 0)
    }

    @Test func pollMixesSocketsAndFileDescriptors() throws {
        let context = try Fixtures.context()
        let pull = try Fixtures.socket(context, .pull)
        try pull.bind(Fixtures.inproc())
        let wakeup = try WakeupSignal()
        try wakeup.signal()
        #expect(try poll([.socket(pull), wakeup.pollItem], timeout: Fixtures.patience) == [[], .readable])
    }
}
