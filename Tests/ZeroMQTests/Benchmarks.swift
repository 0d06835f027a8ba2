import Foundation
import Testing
import ZeroMQ

/// Loopback figures for docs/PERFORMANCE.md, off by default (they take seconds and measure
/// the machine): `ZEROMQ_BENCHMARKS=1 swift test --filter ZeroMQTests.Benchmarks`, best in
/// a release build.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ZEROMQ_BENCHMARKS"] != nil), .serialized)
struct Benchmarks {
    /// Streams `count` messages from a DEALER on its own thread to a ROUTER on this one, over
    /// TCP loopback; returns the seconds from the first receive to the last.
    static func stream(count: Int, frame: @escaping @Sendable () -> Frame) throws -> Double {
        let context = try Context()
        let router = try context.makeSocket(.router)
        try router.set(.linger, .zero)
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint
        let sender = Thread {
            do {
                let dealer = try context.makeSocket(.dealer)
                try dealer.set(.linger, .seconds(10))
                try dealer.connect(endpoint)
                for _ in 0..<count { try dealer.send([frame()]) }
            } catch {
                Issue.record("sender failed: \(error)")
            }
        }
        sender.start()
        let clock = ContinuousClock()
        var start = clock.now
        for index in 0..<count {
            _ = try router.receive()
            if index == 0 { start = clock.now }
        }
        let elapsed = start.duration(to: clock.now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test func smallMessageRate() throws {
        let count = 200_000
        let payload = Frame([UInt8](repeating: 1, count: 1024))
        let seconds = try Self.stream(count: count) { payload }
        print(String(format: "zeromq-bench tcp DEALER→ROUTER 1 KiB copy: %.0f msg/s", Double(count - 1) / seconds))
    }

    @Test func largeFrameThroughputCopyAgainstZeroCopy() throws {
        let count = 1024
        let size = 1 << 20
        let bytes = [UInt8](repeating: 3, count: size)
        let copied = try Self.stream(count: count) { Frame(bytes) }
        let pinned = PinnedBuffer(bytes)
        let zeroCopy = try Self.stream(count: count) { Frame(zeroCopy: pinned) }
        let gigabytes = Double((count - 1) * size) / 1e9
        print(String(format: "zeromq-bench tcp DEALER→ROUTER 1 MiB copy: %.2f GB/s, zero-copy: %.2f GB/s", gigabytes / copied, gigabytes / zeroCopy))
    }

    @Test func reactorJobRateAndRoundTrip() async throws {
        let reactor = try Reactor()
        reactor.start()
        let clock = ContinuousClock()
        let jobs = 200_000
        let counter = Locked(0)
        var start = clock.now
        for _ in 0..<jobs { try reactor.execute { _ in counter.update { $0 += 1 } } }
        let total = try await reactor.run { _ in counter() }
        let rate = Double(jobs) / Self.seconds(start.duration(to: clock.now))
        #expect(total == jobs)
        let trips = 10_000
        start = clock.now
        for _ in 0..<trips { _ = try await reactor.run { _ in 0 } }
        let roundTrip = Self.seconds(start.duration(to: clock.now)) / Double(trips)
        print(String(format: "zeromq-bench reactor execute: %.0f jobs/s; run round trip: %.1f µs", rate, roundTrip * 1e6))
        await reactor.stop()
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
