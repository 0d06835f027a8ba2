import Testing
import ZeroMQ

@Suite struct MonitorTests {
    @Test func monitorsSeeConnectAcceptHandshakeAndDisconnect() throws {
        let context = try Fixtures.context()
        let server = try Fixtures.socket(context, .router)
        let serverEvents = try server.monitor()
        try server.bind("tcp://127.0.0.1:*")
        let endpoint = try server.lastEndpoint
        #expect(try serverEvents.next(.listening).event.endpoint == endpoint)

        let client = try Fixtures.socket(context, .dealer)
        let clientEvents = try client.monitor()
        try client.connect(endpoint)

        let connected = try clientEvents.next(.connected).event
        #expect(connected.endpoint == endpoint)
        try clientEvents.next(.handshakeSucceeded)
        try serverEvents.next(.accepted)
        try serverEvents.next(.handshakeSucceeded)

        client.close()
        // The client's monitor is told it stopped; the server sees the peer go.
        try clientEvents.next(.monitorStopped)
        try serverEvents.next(.disconnected)
    }

    @Test func monitorOnlyReportsRequestedEvents() throws {
        let context = try Fixtures.context()
        let server = try Fixtures.socket(context, .router)
        let events = try server.monitor([.accepted])
        try server.bind("tcp://127.0.0.1:*")
        let client = try Fixtures.socket(context, .dealer)
        try client.connect(try server.lastEndpoint)
        let (accepted, before) = try events.next(.accepted)
        #expect(before.isEmpty)
        #expect(accepted.kind == .accepted)
    }

    @Test func decodesEventFramesInHostByteOrder() throws {
        var id = UInt16(0x4000).littleEndian
        var value = UInt32(400).littleEndian
        let head = withUnsafeBytes(of: &id) { Array($0) } + withUnsafeBytes(of: &value) { Array($0) }
        let event = try MonitorEvent(frames: [Frame(head), "tcp://127.0.0.1:5555"])
        #expect(event == MonitorEvent(kind: .handshakeFailedAuth, value: 400, endpoint: "tcp://127.0.0.1:5555"))
        #expect(event.kind.isHandshakeFailure)
        #expect(event.description == "HANDSHAKE_FAILED_AUTH(400) tcp://127.0.0.1:5555")
    }

    @Test func rejectsMalformedEventFrames() {
        #expect(throws: ZeroMQError.self) { try MonitorEvent(frames: ["short", "x"]) }
        #expect(throws: ZeroMQError.self) { try MonitorEvent(frames: [Frame([0, 0, 0, 0, 0, 0])]) }
    }
}
