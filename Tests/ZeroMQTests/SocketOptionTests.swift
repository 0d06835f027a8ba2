import Testing
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SocketOptionTests {
    @Test func optionsRoundTripWithTheirSwiftTypes() throws {
        let context = try Fixtures.context()
        let socket = try context.makeSocket(.router)
        try socket.set(.linger, .milliseconds(250))
        #expect(try socket.get(.linger) == .milliseconds(250))
        try socket.set(.linger, nil)
        #expect(try socket.get(.linger) == nil)
        try socket.set(.linger, .microseconds(1))  // a partial millisecond rounds up, never to 0
        #expect(try socket.get(.linger) == .milliseconds(1))
        try socket.set(.maxMessageSize, 5 << 30)  // beyond Int32: MAXMSGSIZE is an int64
        #expect(try socket.get(.maxMessageSize) == 5 << 30)
        try socket.set(.routerMandatory, true)
        try socket.set(.heartbeatInterval, .seconds(2))
        #expect(try socket.get(.heartbeatInterval) == .seconds(2))
        try socket.set(.tcpKeepAliveIdle, .seconds(30))
        #expect(try socket.get(.tcpKeepAliveIdle) == .seconds(30))
        try socket.set(.sendHighWaterMark, 20)
        #expect(try socket.get(.sendHighWaterMark) == 20)
        try socket.set(.routingID, [1, 2, 3])
        #expect(try socket.get(.routingID) == [1, 2, 3])
        try socket.set(.zapDomain, "workers")
        #expect(try socket.get(.zapDomain) == "workers")
        try socket.set(.zapEnforceDomain, true)
        #expect(try socket.get(.zapEnforceDomain) == true)
        let keys = try CurveKeyPair.generate()
        try socket.set(.curveSecretKey, keys.secretKey)
        #expect(try socket.get(.curveSecretKey) == keys.secretKey)
        try socket.set(.curveServerKey, keys.publicKey)
        #expect(try socket.get(.curveServerKey) == keys.publicKey)
    }

    @Test func negativeDurationIsRejectedNamingTheOption() throws {
        let context = try Fixtures.context()
        let socket = try context.makeSocket(.dealer)
        let error = #expect(throws: ZeroMQError.self) { try socket.set(.handshakeInterval, .milliseconds(-5)) }
        #expect(error?.code == EINVAL)
        #expect(error?.description.contains("ZMQ_HANDSHAKE_IVL") == true)
    }

    @Test func routerMandatoryRefusesAnUnknownRoutingID() throws {
        let context = try Fixtures.context()
        let router = try Fixtures.socket(context, .router)
        try router.set(.routerMandatory, true)
        try router.bind(Fixtures.inproc())
        let error = #expect(throws: ZeroMQError.self) { try router.send(["no-such-peer", "task"]) }
        #expect(error?.isHostUnreachable == true)
        #expect(error?.code == EHOSTUNREACH)
        #expect(error?.function == "zmq_send")
    }

    @Test func routerWithoutMandatoryDropsSilently() throws {
        let context = try Fixtures.context()
        let router = try Fixtures.socket(context, .router)
        try router.bind(Fixtures.inproc())
        try router.send(["no-such-peer", "task"])
    }

    @Test func maxMessageSizeDisconnectsAPeerSendingAnOversizedFrame() throws {
        let context = try Fixtures.context()
        let limit = 1 << 20
        let server = try Fixtures.socket(context, .router)
        try server.set(.maxMessageSize, Int64(limit))
        try server.bind("tcp://127.0.0.1:*")
        let client = try Fixtures.socket(context, .dealer)
        try client.set(.reconnectInterval, .milliseconds(10))
        // Monitor before connecting, or the first handshake can complete unseen.
        let clientEvents = try client.monitor([.handshakeSucceeded, .disconnected])
        try client.connect(try server.lastEndpoint)
        try clientEvents.next(.handshakeSucceeded)

        try client.send([Frame([UInt8](repeating: 7, count: 2 * limit))])
        // The router's decoder sees the size header, refuses it and drops the connection.
        try clientEvents.next(.disconnected)
        try clientEvents.next(.handshakeSucceeded)

        try client.send(["small"])
        let message = try server.receive()
        #expect(message.frames.dropFirst() == ["small"])
        #expect(try server.tryReceive() == nil)
    }
}
