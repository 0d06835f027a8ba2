import CZeroMQ

#if canImport(Glibc)
import Glibc
#endif

extension Socket {
    /// Sends `frames` as one multipart message (every frame but the last with `ZMQ_SNDMORE`),
    /// waiting while the socket cannot take it (a DEALER at its high-water mark) up to `SNDTIMEO`.
    /// Byte frames are copied; `Frame(zeroCopy:)` frames are handed to libzmq in place.
    /// - Throws: `ZeroMQError`: `EAGAIN` (`isWouldBlock`) when `SNDTIMEO` elapsed,
    ///   `EHOSTUNREACH` from a `routerMandatory` ROUTER whose first frame names no known peer,
    ///   `EFSM` out of turn on REQ/REP, `ETERM` when the context is shutting down.
    public func send(_ frames: [Frame]) throws(ZeroMQError) {
        guard try sendMessage(frames, dontWait: false) else {
            throw ZeroMQError(
                code: EAGAIN, function: "zmq_msg_send",
                detail: "SNDTIMEO elapsed before the \(type) socket could queue the message")
        }
    }

    /// Sends `message`'s frames; see `send(_: [Frame])`.
    public func send(_ message: Message) throws(ZeroMQError) {
        try send(message.frames)
    }

    /// Sends `frames` as one multipart message without waiting (`ZMQ_DONTWAIT`).
    /// - Returns: false when the socket cannot take the message now (`EAGAIN`: high-water
    ///   mark, or no peer yet); nothing was sent.
    /// - Throws: `ZeroMQError` as `send`, other than `EAGAIN`.
    public func trySend(_ frames: [Frame]) throws(ZeroMQError) -> Bool {
        try sendMessage(frames, dontWait: true)
    }

    /// Sends `message`'s frames without waiting; see `trySend(_: [Frame])`.
    public func trySend(_ message: Message) throws(ZeroMQError) -> Bool {
        try trySend(message.frames)
    }

    private func sendMessage(_ frames: [Frame], dontWait: Bool) throws(ZeroMQError) -> Bool {
        guard !frames.isEmpty else {
            throw ZeroMQError(code: EINVAL, function: "zmq_msg_send", detail: "a message needs at least one frame")
        }
        let socket = try open("zmq_msg_send")
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            if dontWait { flags |= ZMQ_DONTWAIT }
            if try sendFrame(frame, on: socket, flags: flags) { continue }
            if index == 0 { return false }
            // libzmq refuses a later frame only when the peer's pipe died mid-message; it then
            // drops what it had, so the message is lost and the rest must not go out on its own.
            throw ZeroMQError(
                code: EAGAIN, function: "zmq_msg_send",
                detail: "frame \(index + 1) of \(frames.count) refused: the peer went away mid-message, which was dropped")
        }
        return true
    }

    /// Sends one frame; false on `EAGAIN`.
    private func sendFrame(_ frame: Frame, on socket: UnsafeMutableRawPointer, flags: Int32) throws(ZeroMQError) -> Bool {
        switch frame.storage {
        case .bytes(let bytes):
            // zmq_send copies the bytes into a new message before returning.
            return try LibZMQ.attempt("zmq_send") {
                bytes.withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, flags) }
            } != nil
        case .pinned(let buffer, let range):
            if range.isEmpty {
                return try LibZMQ.attempt("zmq_send") { zmq_send(socket, nil, 0, flags) } != nil
            }
            return try sendZeroCopy(buffer, range, on: socket, flags: flags)
        }
    }

    /// Hands `range` of `buffer` to libzmq without copying. The message holds one retain on
    /// the buffer, released by the free function when libzmq is done, on whatever thread.
    private func sendZeroCopy(
        _ buffer: PinnedBuffer, _ range: Range<Int>, on socket: UnsafeMutableRawPointer, flags: Int32
    ) throws(ZeroMQError) -> Bool {
        let owner = Unmanaged.passRetained(buffer).toOpaque()
        let initialised = zmq_msg_init_data(scratch, buffer.address(of: range), range.count, { _, hint in
            // @convention(c): no captures; the hint is the retained PinnedBuffer.
            guard let hint else { return }
            Unmanaged<PinnedBuffer>.fromOpaque(hint).release()
        }, owner)
        guard initialised == 0 else {
            // libzmq does not call the free function when init fails, so the retain is ours.
            Unmanaged<PinnedBuffer>.fromOpaque(owner).release()
            throw ZeroMQError(code: zmq_errno(), function: "zmq_msg_init_data", detail: "\(range.count) bytes")
        }
        let sent: Int32?
        do {
            sent = try LibZMQ.attempt("zmq_msg_send") { zmq_msg_send(scratch, socket, flags) }
        } catch {
            zmq_msg_close(scratch)
            throw error
        }
        // On success libzmq owns the message; otherwise it is still ours, and closing it runs
        // the free function, which releases the buffer.
        if sent == nil { zmq_msg_close(scratch) }
        return sent != nil
    }
}
