import Logging
import Wire

extension WorkerCore {
    /// Opens a new connection and says READY on it.
    mutating func connect(into out: inout [WorkerOutput]) {
        resendUnconfirmed(into: &out)
        generation += 1
        link = .connected(since: now)
        readySent = false
        registered = false
        out.append(.connect(generation: generation))
        out.append(.log(.info, "connecting to the coordinator", ["connection": "\(generation)"]))
        sendReady(into: &out)
        // Transfers under way resume on the new data socket from what is missing.
        for hash in fetches.keys.sorted() {
            fetches[hash]?.coordinatorReconnected()
            if let manifest = fetches[hash]?.manifestRequest(now: now) {
                out.append(.sendData(manifest))
            } else {
                reportSources(hash, into: &out)
            }
            request(hash, into: &out)
        }
    }

    /// Tasks held from earlier connections, running or waiting, that READY reports so the
    /// coordinator keeps their leases here.
    var heldTasks: [TaskRef] {
        (running.keys.sorted { ($0.job, $0.task, $0.attempt) < ($1.job, $1.task, $1.attempt) }
            + waiting.map(\.ref))
    }

    mutating func sendReady(into out: inout [WorkerOutput]) {
        readySent = true
        out.append(.sendControl(.ready(WorkerMessage.Ready(
            name: configuration.name, slots: configuration.slots, threads: configuration.threads,
            cached: Array(cachedDatasets.prefix(WireProtocol.maxCachedHashes)), software: configuration.software,
            holding: heldTasks.isEmpty ? nil : heldTasks, peerEndpoint: configuration.peerEndpoint))))
    }

    /// Closes the sockets and reconnects after the next backoff wait.
    mutating func lose(_ reason: String, into out: inout [WorkerOutput]) {
        let wait = backoff.next()
        link = .waiting(until: now + wait)
        readySent = false
        registered = false
        out.append(.closeConnection)
        out.append(.log(.warning, "lost the coordinator; reconnecting", [
            "reason": "\(reason)", "wait_ms": "\(Int((wait.seconds * 1000).rounded()))",
        ]))
    }

    mutating func receive(_ message: CoordinatorMessage, into out: inout [WorkerOutput]) {
        guard case .connected = link else { return }
        switch message {
        case .disconnect(let reason):
            out.append(.log(.info, "the coordinator said DISCONNECT; registering again", ["reason": "\(reason.reason)"]))
            // Right away when this connection was working, else after a wait, so a coordinator that
            // keeps refusing us is not hammered.
            if registered {
                connect(into: &out)
            } else {
                lose("DISCONNECT: \(reason.reason)", into: &out)
            }
            return
        case .error(let reply):
            // Not counted as heard: a coordinator we cannot work with (another protocol version)
            // is retried with the backoff until an operator fixes it.
            out.append(.log(.error, "the coordinator refused this worker", [
                "code": "\(reply.code)", "message": "\(reply.message)",
            ]))
            return
        case .heartbeat, .task, .cancel, .admit:
            heard(into: &out)
        }
        switch message {
        case .task(let assignment, let testRows):
            accept(HeldTask(assignment: assignment, testRows: testRows), into: &out)
        case .cancel(let ref):
            cancel(ref, into: &out)
        case .admit(let admit):
            out.append(.admitPeers(admit.keys))
        case .heartbeat, .disconnect, .error:
            break
        }
    }

    /// The coordinator is alive and, after READY, knows this worker.
    mutating func heard(into out: inout [WorkerOutput]) {
        lastHeard = now
        backoff.reset()
        guard readySent, !registered else { return }
        registered = true
        lastBeatSent = now
        lastProgressSent = now
        out.append(.log(.info, "registered with the coordinator", [
            "connection": "\(generation)", "slots": "\(configuration.slots)", "cached": "\(available.count)",
        ]))
        flushOutbox(into: &out)
    }

    /// Results and failures must reach the coordinator: they wait in the outbox until a
    /// connection is registered, and go back there when the socket refuses them.
    mutating func sendReliably(_ message: WorkerMessage, into out: inout [WorkerOutput]) {
        if registered {
            out.append(.sendControl(message))
            if configuration.resendsUnconfirmed { unconfirmed.append(SentMessage(message: message, sentAt: now)) }
        } else {
            outbox.append(message)
        }
    }

    mutating func flushOutbox(into out: inout [WorkerOutput]) {
        guard registered, !outbox.isEmpty else { return }
        out += outbox.map { .sendControl($0) }
        if configuration.resendsUnconfirmed { unconfirmed += outbox.map { SentMessage(message: $0, sentAt: now) } }
        outbox.removeAll()
    }

    mutating func refused(_ message: WorkerMessage, generation: Int, into out: inout [WorkerOutput]) {
        switch message {
        case .ready:
            // Not connected yet (IMMEDIATE): READY goes again on the next tick.
            if generation == self.generation { readySent = false }
        case .result, .failed:
            unconfirmed.removeAll { $0.message == message }
            outbox.append(message)
        case .heartbeat, .progress, .have, .disconnect:
            // Worth nothing late: the next beat, PROGRESS or READY says the same.
            break
        }
    }

    mutating func shutdown(into out: inout [WorkerOutput]) {
        let held = running.count + waiting.count
        if case .connected = link, readySent {
            out.append(.sendControl(.disconnect(Reason(reason: "worker shutting down"))))
        }
        out.append(.log(.info, "shutting down; the coordinator requeues the tasks held here", ["tasks": "\(held)"]))
        out.append(.stop)
        link = .stopped
    }
}
