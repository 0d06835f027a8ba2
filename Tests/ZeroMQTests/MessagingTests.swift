import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import ZeroMQ

@Suite struct MessagingTests {
    @Test(arguments: ["inproc", "tcp"])
    func dealerRouterRoundTripCarriesRoutingIDAndAllFrames(transport: String) throws {
        let context = try Fixtures.context()
        let router = try Fixtures.socket(context, .router)
        let dealer = try Fixtures.socket(context, .dealer)
        try dealer.set(.routingID, Array("worker-7".utf8))
        if transport == "tcp" {
            try router.bind("tcp://127.0.0.1:*")
        } else {
            try router.bind(Fixtures.inproc())
        }
        try dealer.connect(try router.lastEndpoint)

        let payload = Frame((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try dealer.send(["FTW1", [0x02], Frame(Data("{\"k\":5}".utf8)), Frame([]), payload])

        let request = try router.receive()
        #expect(request.count == 6)
        #expect(request[0].string == "worker-7")
        #expect(request[1].string == "FTW1")
        #expect(request[2].bytes == [0x02])
        #expect(request[3].data == Data("{\"k\":5}".utf8))
        #expect(request[4].isEmpty)
        #expect(request[5] == payload)

        try router.send([request[0], "reply", payload])
        let reply = try dealer.receive()
        #expect(reply == ["reply", payload])
    }

    @Test func tryReceiveReturnsNilWhenNothingIsQueued() throws {
        let context = try Fixtures.context()
        let pull = try Fixtures.socket(context, .pull)
        try pull.bind(Fixtures.inproc())
        #expect(try pull.tryReceive() == nil)
    }

    @Test func trySendReturnsFalseWhenNoPeerCanTakeTheMessage() throws {
        let context = try Fixtures.context()
        let dealer = try Fixtures.socket(context, .dealer)
        // A DEALER with no connection has no pipe to queue on: EAGAIN, reported as a value.
        #expect(try dealer.trySend(["nobody"]) == false)
    }

    @Test(arguments: [false, true])
    func receivedMessageCarriesPeerAddressWhenAsked(pollFirst: Bool) throws {
        let context = try Fixtures.context()
        let (server, client, _) = try Fixtures.tcpPair(context, server: .router, client: .dealer)
        try client.send(["hi"])
        if pollFirst {
            // Polling makes the ROUTER prefetch, and its routing-id frame then has no metadata.
            #expect(try poll([.socket(server)], timeout: Fixtures.patience) == [.readable])
        }
        let message = try server.receive(properties: [.peerAddress, .socketType])
        #expect(message.peerAddress == "127.0.0.1")
        #expect(message.properties[.socketType] == "DEALER")
        #expect(message.userID == nil)
    }

    @Test func blockingReceiveGivesUpAfterReceiveTimeout() throws {
        let context = try Fixtures.context()
        let pull = try context.makeSocket(.pull)
        try pull.set(.receiveTimeout, .milliseconds(20))
        try pull.bind(Fixtures.inproc())
        let error = #expect(throws: ZeroMQError.self) { try pull.receive() }
        #expect(error?.isWouldBlock == true)
    }
}

@Suite struct EndpointTests {
    @Test func unbindFreesThePortForAnotherSocket() throws {
        let context = try Fixtures.context()
        let first = try Fixtures.socket(context, .router)
        let events = try first.monitor([.closed])
        try first.bind("tcp://127.0.0.1:*")
        let endpoint = try first.lastEndpoint
        try first.unbind(endpoint)
        // libzmq closes the listener on its I/O thread; CLOSED says the port is free.
        #expect(try events.next(.closed).event.endpoint == endpoint)
        let second = try Fixtures.socket(context, .router)
        try second.bind(endpoint)
        #expect(try second.lastEndpoint == endpoint)
    }

    @Test func disconnectStopsDeliveryToThatEndpointAndTwiceIsAnError() throws {
        let context = try Fixtures.context()
        let pull = try Fixtures.socket(context, .pull)
        let endpoint = Fixtures.inproc()
        try pull.bind(endpoint)
        let push = try Fixtures.socket(context, .push)
        try push.connect(endpoint)
        try push.send(["before"])
        #expect(try pull.receive() == ["before"])
        try push.disconnect(endpoint)
        #expect(try push.trySend(["after"]) == false)
        let error = #expect(throws: ZeroMQError.self) { try push.disconnect(endpoint) }
        #expect(error?.code == ENOENT)
    }

    @Test func closingASocketStillDeliversWhatLingerAllows() throws {
        let context = try Fixtures.context()
        let pull = try Fixtures.socket(context, .pull)
        try pull.bind("tcp://127.0.0.1:*")
        let endpoint = try pull.lastEndpoint
        do {
            let push = try Fixtures.socket(context, .push)
            try push.set(.linger, .seconds(5))
            try push.connect(endpoint)
            try push.send(["last words"])
            // Leaving the scope closes the socket in deinit, most likely before the TCP
            // connection is even up; LINGER keeps the message until it is delivered.
        }
        #expect(try pull.receive() == ["last words"])
    }
}
