import Testing
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ErrorTests {
    @Test func unknownTransportNamesTheCallTheEndpointAndTheCause() throws {
        let context = try Fixtures.context()
        let socket = try context.makeSocket(.dealer)
        let error = #expect(throws: ZeroMQError.self) { try socket.connect("carrier-pigeon://coop") }
        #expect(error?.code == EPROTONOSUPPORT)
        #expect(error?.function == "zmq_connect")
        #expect(error?.detail == "carrier-pigeon://coop")
        #expect(error?.description == "zmq_connect: Protocol not supported (errno \(EPROTONOSUPPORT)) [carrier-pigeon://coop]")
    }

    @Test func bindingAnAddressInUseFails() throws {
        let context = try Fixtures.context()
        let first = try context.makeSocket(.router)
        try first.bind("tcp://127.0.0.1:*")
        let second = try context.makeSocket(.router)
        let error = #expect(throws: ZeroMQError.self) { try second.bind(try first.lastEndpoint) }
        #expect(error?.code == EADDRINUSE)
        #expect(error?.function == "zmq_bind")
    }

    @Test func requestSocketOutOfTurnIsAStateError() throws {
        let context = try Fixtures.context()
        let request = try context.makeSocket(.request)
        try request.connect(Fixtures.inproc())
        let error = #expect(throws: ZeroMQError.self) { try request.receive() }
        #expect(error?.code == ZeroMQError.invalidState)
        #expect(error?.reason == "Operation cannot be accomplished in current state")
    }

    @Test func closedSocketReportsNotASocket() throws {
        let context = try Fixtures.context()
        let socket = try context.makeSocket(.pull)
        socket.close()
        socket.close()
        #expect(socket.isClosed)
        let error = #expect(throws: ZeroMQError.self) { try socket.tryReceive() }
        #expect(error?.code == ENOTSOCK)
    }

    @Test func contextShutdownWakesABlockedReceiveWithTermination() throws {
        let context = try Fixtures.context()
        let socket = try context.makeSocket(.pull)
        try socket.bind(Fixtures.inproc())
        context.shutdown()
        let error = #expect(throws: ZeroMQError.self) { try socket.receive() }
        #expect(error?.isTerminated == true)
        #expect(throws: ZeroMQError.self) { try context.makeSocket(.push) }
    }

    @Test func terminatedContextRefusesNewSockets() throws {
        let context = try Fixtures.context()
        context.terminate()
        #expect(context.isTerminated)
        let error = #expect(throws: ZeroMQError.self) { try context.makeSocket(.push) }
        #expect(error?.isTerminated == true)
    }
}
