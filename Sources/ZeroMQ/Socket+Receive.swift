import CZeroMQ

#if canImport(Glibc)
import Glibc
#endif

extension Socket {
    /// Receives one whole multipart message, waiting up to `RCVTIMEO` (forever by default).
    /// Frames are read with `zmq_msg_recv`, so no frame is ever truncated.
    /// - Parameter properties: connection properties to read with `zmq_msg_gets` (e.g.
    ///   `.userID` for the ZAP-authenticated identity); unknown or unset ones are left out.
    /// - Throws: `ZeroMQError`: `EAGAIN` (`isWouldBlock`) when `RCVTIMEO` elapsed, `ETERM`
    ///   when the context is shutting down, `EFSM` out of turn on REQ/REP.
    public func receive(properties: Set<MessageProperty> = []) throws(ZeroMQError) -> Message {
        guard let message = try receiveMessage(dontWait: false, properties: properties) else {
            throw ZeroMQError(
                code: EAGAIN, function: "zmq_msg_recv", detail: "RCVTIMEO elapsed on the \(type) socket")
        }
        return message
    }

    /// Receives one whole multipart message if one is waiting (`ZMQ_DONTWAIT`), else nil.
    /// - Throws: `ZeroMQError` as `receive`, other than `EAGAIN`.
    public func tryReceive(properties: Set<MessageProperty> = []) throws(ZeroMQError) -> Message? {
        try receiveMessage(dontWait: true, properties: properties)
    }

    private func receiveMessage(dontWait: Bool, properties: Set<MessageProperty>) throws(ZeroMQError) -> Message? {
        let socket = try open("zmq_msg_recv")
        var frames: [Frame] = []
        var values: [MessageProperty: String] = [:]
        // libzmq delivers the frames of a message together, so once the first has arrived the
        // rest are already queued; waiting for them could only hide a bug, hence DONTWAIT.
        var flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
        while true {
            zmq_msg_init(scratch)  // cannot fail
            let received: Int32?
            do {
                received = try LibZMQ.attempt("zmq_msg_recv") { zmq_msg_recv(scratch, socket, flags) }
            } catch {
                zmq_msg_close(scratch)
                throw error
            }
            guard received != nil else {
                zmq_msg_close(scratch)
                if frames.isEmpty { return nil }
                throw ZeroMQError(
                    code: EAGAIN, function: "zmq_msg_recv",
                    detail: "message ended after \(frames.count) frame(s) though MORE was set")
            }
            frames.append(Frame(copyingMessage: scratch))
            // Every frame of a message comes from one connection, but not every frame carries
            // its metadata: a ROUTER's routing-id frame has none when the socket was polled
            // before the receive (its prefetch path; seen with 4.3.4). Take each from any frame.
            for property in properties where values[property] == nil {
                if let value = zmq_msg_gets(scratch, property.name) {
                    values[property] = String(cString: value)
                }
            }
            // MORE must be read before the message is closed.
            let more = zmq_msg_more(scratch) != 0
            zmq_msg_close(scratch)
            if !more { return Message(frames, properties: values) }
            flags = ZMQ_DONTWAIT
        }
    }
}

extension Frame {
    /// Copies the bytes of a received message (there is no zero-copy receive in libzmq).
    init(copyingMessage message: UnsafeMutablePointer<zmq_msg_t>) {
        let count = zmq_msg_size(message)
        guard count > 0, let source = zmq_msg_data(message) else {
            self.init([UInt8]())
            return
        }
        self.init([UInt8](unsafeUninitializedCapacity: count) { destination, initialised in
            destination.baseAddress.map { _ = memcpy($0, source, count) }
            initialised = count
        })
    }
}
