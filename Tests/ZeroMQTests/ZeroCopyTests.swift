import Testing
import ZeroMQ

@Suite struct ZeroCopyTests {
    static let eightMiB = 8 << 20

    static func pattern(_ count: Int) -> PinnedBuffer {
        PinnedBuffer(count: count) { memory in
            for index in 0..<count { memory[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 7) }
        }
    }

    @Test func eightMiBZeroCopyFrameArrivesIntactAndIsReleasedOverInproc() throws {
        let context = try Fixtures.context()
        let router = try Fixtures.socket(context, .router)
        let endpoint = Fixtures.inproc()
        try router.bind(endpoint)
        let dealer = try Fixtures.socket(context, .dealer)
        try dealer.connect(endpoint)

        weak var released: PinnedBuffer?
        var expected: [UInt8] = []
        do {
            let buffer = Self.pattern(Self.eightMiB)
            released = buffer
            expected = Frame(zeroCopy: buffer).bytes
            try dealer.send(["header", Frame(zeroCopy: buffer)])
        }
        let message = try router.receive()
        #expect(message.count == 3)
        #expect(message[1] == "header")
        #expect(message[2].count == Self.eightMiB)
        #expect(message[2].bytes == expected)
        // Over inproc the receiver's message is the sender's; closing it ran the free function.
        #expect(released == nil)
    }

    @Test func zeroCopySlicesOfOneBufferCrossTCPAndTheBufferIsFreedAfterwards() throws {
        let context = try Fixtures.context()
        let (server, client, _) = try Fixtures.tcpPair(context, server: .router, client: .dealer)
        weak var released: PinnedBuffer?
        var halves: [[UInt8]] = []
        do {
            let buffer = Self.pattern(Self.eightMiB)
            released = buffer
            let half = Self.eightMiB / 2
            halves = [Array(Frame(zeroCopy: buffer, range: 0..<half).bytes), Frame(zeroCopy: buffer, range: half..<Self.eightMiB).bytes]
            try client.send([Frame(zeroCopy: buffer, range: 0..<half)])
            try client.send([Frame(zeroCopy: buffer, range: half..<Self.eightMiB), Frame(zeroCopy: buffer, range: 0..<0)])
        }
        let first = try server.receive()
        let second = try server.receive()
        #expect(first[1].bytes == halves[0])
        #expect(second[1].bytes == halves[1])
        #expect(second[2].isEmpty)
        // libzmq frees the message on its I/O thread once written; wait for that, boundedly.
        let clock = ContinuousClock()
        let deadline = clock.now + Fixtures.patience
        while released != nil && clock.now < deadline {
            _ = try poll([], timeout: .milliseconds(1))
        }
        #expect(released == nil)
    }

    @Test func unsentZeroCopyFrameIsReleasedByTheSender() throws {
        let context = try Fixtures.context()
        let dealer = try Fixtures.socket(context, .dealer)
        weak var released: PinnedBuffer?
        do {
            let buffer = PinnedBuffer([1, 2, 3])
            released = buffer
            // No peer: EAGAIN, so the message stays ours and closing it releases the buffer.
            #expect(try dealer.trySend([Frame(zeroCopy: buffer)]) == false)
        }
        #expect(released == nil)
    }
}
