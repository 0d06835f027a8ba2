/// The reactor thread's side of a `Reactor`: it owns the sockets, the readable handlers and
/// the timers. Only reachable from closures the reactor runs, and only valid on its thread.
///
/// Handlers are level-triggered: a socket's handler runs on every pass of the loop while a
/// message is waiting, so it may read one message or drain several with `tryReceive`.
public final class ReactorLoop {
    /// The reactor's context.
    public let context: Context

    private struct Registration {
        enum Target {
            case socket(Socket)
            case fileDescriptor(Int32)
        }
        let target: Target
        let handler: () -> Void
    }

    private let core: ReactorCore
    private let idlePollLimit: Duration
    private let clock = ContinuousClock()
    private var owned: [ObjectIdentifier: Socket] = [:]
    private var registrations: [Int: Registration] = [:]
    private var socketRegistrations: [ObjectIdentifier: Int] = [:]
    private var order: [Int] = []
    private let timers = ReactorTimers()
    private var nextID = 0

    init(context: Context, core: ReactorCore, idlePollLimit: Duration) {
        self.context = context
        self.core = core
        self.idlePollLimit = idlePollLimit
    }

    // MARK: Sockets

    /// Creates a socket owned by the reactor: it (and its monitor's PAIR) is closed with
    /// `LINGER` 0 when the reactor stops, unless `close(_:)` closes it first.
    /// - Throws: `ZeroMQError` from `zmq_socket`.
    public func makeSocket(_ type: SocketType) throws(ZeroMQError) -> Socket {
        let socket = try context.makeSocket(type)
        adopt(socket)
        return socket
    }

    /// Makes the reactor own `socket`, created on this thread from `context`, as if
    /// `makeSocket` had made it.
    public func adopt(_ socket: Socket) {
        owned[ObjectIdentifier(socket)] = socket
        socket.adopt = { [weak self] sibling in self?.adopt(sibling) }
    }

    /// Calls `onReadable` on the reactor thread whenever `socket` has a message waiting.
    /// Registering again replaces the handler. The reactor takes ownership of the socket.
    public func register(_ socket: Socket, onReadable: @escaping (Socket) -> Void) {
        adopt(socket)
        let key = ObjectIdentifier(socket)
        if let previous = socketRegistrations[key] { remove(previous) }
        let id = insert(Registration(target: .socket(socket), handler: { [unowned socket] in onReadable(socket) }))
        socketRegistrations[key] = id
    }

    /// Stops calling `socket`'s handler; the socket stays open and owned.
    public func unregister(_ socket: Socket) {
        if let id = socketRegistrations.removeValue(forKey: ObjectIdentifier(socket)) { remove(id) }
    }

    /// Unregisters and closes `socket` now, honouring its `LINGER`.
    public func close(_ socket: Socket) {
        unregister(socket)
        owned[ObjectIdentifier(socket)] = nil
        socket.close()
    }

    /// Calls `onReadable` whenever the raw file descriptor is readable (level-triggered: the
    /// handler must consume what made it readable). The caller keeps ownership of the fd.
    @discardableResult
    public func watch(fileDescriptor: Int32, onReadable: @escaping () -> Void) -> ReactorRegistration {
        ReactorRegistration(id: insert(Registration(target: .fileDescriptor(fileDescriptor), handler: onReadable)))
    }

    /// Stops watching a file descriptor.
    public func unwatch(_ registration: ReactorRegistration) {
        remove(registration.id)
    }

    // MARK: Timers and control

    /// Calls `handler` on the reactor thread once `delay` has passed, then every `interval`
    /// if one is given (missed ticks are skipped, not replayed). Timers set the poll timeout,
    /// so they fire on time however quiet the sockets are.
    @discardableResult
    public func schedule(after delay: Duration, repeating interval: Duration? = nil, _ handler: @escaping () -> Void) -> ReactorTimer {
        nextID += 1
        timers.add(id: nextID, deadline: clock.now + delay, interval: interval, handler: handler)
        return ReactorTimer(id: nextID)
    }

    /// Cancels a timer; a no-op when it has fired (one-shot) or was cancelled already.
    public func cancel(_ timer: ReactorTimer) {
        timers.remove(id: timer.id)
    }

    /// Asks the reactor to stop after the current pass, as `Reactor.requestStop()` does.
    public func stop() {
        core.requestStop()
    }

    // MARK: The loop (reactor thread only)

    /// Runs until a stop is requested; returns the error that ended it abnormally, if any.
    /// Every job accepted before the stop runs, so no `Reactor.run` caller waits forever.
    func run() -> ZeroMQError? {
        var failure: ZeroMQError?
        while true {
            let (jobs, stopping) = core.takeJobs()
            for job in jobs { job(self) }
            if stopping { return failure }
            timers.fireDue(at: clock.now)

            forgetClosedSockets()
            let ids = order
            var items = [core.wakeup.pollItem]
            for id in ids {
                switch registrations[id]?.target {
                case .socket(let socket)?: items.append(.socket(socket))
                case .fileDescriptor(let descriptor)?: items.append(.fileDescriptor(descriptor))
                case nil: continue
                }
            }
            let events: [PollEvents]
            do {
                events = try poll(items, timeout: pollTimeout())
            } catch {
                // Stop through the normal path, which refuses new jobs and drains queued ones.
                if !error.isTerminated { failure = error }
                core.requestStop()
                continue
            }
            if !events[0].isEmpty {
                // Jobs are taken at the top of the loop; the count itself does not matter.
                _ = try? core.wakeup.drain()
            }
            for (index, id) in ids.enumerated() where !events[index + 1].isEmpty {
                // A handler earlier in this pass may have removed this one. Copied out first so
                // the handler can register and unregister without overlapping this access.
                let handler = registrations[id]?.handler
                handler?()
            }
        }
    }

    /// Closes every owned socket with `LINGER` 0 and drops handlers and timers, so that
    /// `Context.terminate` returns at once.
    func shutdown() {
        timers.removeAll()
        registrations.removeAll()
        socketRegistrations.removeAll()
        order.removeAll()
        for socket in owned.values {
            // Setting LINGER can only fail on a closed socket, which needs no linger.
            try? socket.set(.linger, .zero)
            socket.close()
        }
        owned.removeAll()
    }

    /// Drops registrations of sockets closed without `close(_:)` (e.g. `socket.close()` in a
    /// handler), which would otherwise make `zmq_poll` fail with `ENOTSOCK`.
    private func forgetClosedSockets() {
        let closed = socketRegistrations.filter { _, id in
            guard case .socket(let socket)? = registrations[id]?.target else { return false }
            return socket.isClosed
        }
        for (key, id) in closed {
            socketRegistrations[key] = nil
            owned[key] = nil
            remove(id)
        }
    }

    private func pollTimeout() -> Duration {
        let now = clock.now
        guard let deadline = timers.nextDeadline else { return idlePollLimit }
        return min(idlePollLimit, max(.zero, now.duration(to: deadline)))
    }

    private func insert(_ registration: Registration) -> Int {
        nextID += 1
        registrations[nextID] = registration
        order.append(nextID)
        return nextID
    }

    private func remove(_ id: Int) {
        guard registrations.removeValue(forKey: id) != nil else { return }
        order.removeAll { $0 == id }
    }
}

/// A `ReactorLoop` is the reactor thread's; it must never be handed to another thread.
@available(*, unavailable)
extension ReactorLoop: Sendable {}

/// A handle on a `ReactorLoop.watch` registration, for `unwatch`.
public struct ReactorRegistration: Sendable, Hashable {
    let id: Int
}

/// A handle on a scheduled timer, for `ReactorLoop.cancel`.
public struct ReactorTimer: Sendable, Hashable {
    let id: Int
}
