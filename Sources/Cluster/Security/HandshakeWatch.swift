import ZeroMQ

/// Watches a worker's or client's socket for failed security handshakes and says what they mean,
/// so a refused key or a missing `--keys` reads as such rather than as a coordinator that is down.
enum HandshakeWatch {
    static let failures: Set<MonitorEvent.Kind> = [.handshakeFailedAuth, .handshakeFailedProtocol, .handshakeFailedNoDetail]

    /// Monitors `socket` (call before `connect`) and calls `onFailure` on the reactor thread for
    /// each failed handshake. Close the returned monitor's socket with `loop.close` along with
    /// `socket`.
    static func start(
        on socket: Socket, loop: ReactorLoop, _ onFailure: @escaping (MonitorEvent) -> Void
    ) throws(ZeroMQError) -> SocketMonitor {
        let monitor = try socket.monitor(failures)
        loop.register(monitor.socket) { _ in
            for _ in 0..<64 {
                guard let event = try? monitor.tryReceive() else { return }
                if failures.contains(event.kind) { onFailure(event) }
            }
        }
        return monitor
    }

    /// What a failed handshake means for a `role` ("worker" or "client") with or without keys,
    /// and what to do.
    static func explain(_ event: MonitorEvent, role: String, hasKeys: Bool) -> String {
        let allowlist = role == "worker" ? KeyDirectory.workersAllowlist : KeyDirectory.clientsAllowlist
        switch event.kind {
        case .handshakeFailedAuth:
            return "the coordinator refused this \(role)'s CURVE key (ZAP status \(event.value)): its public key is "
                + "not in the coordinator's \(allowlist); use the \(role) folder `crossfold keys generate` wrote, "
                + "or add the key to \(allowlist) and restart the coordinator"
        case .handshakeFailedProtocol where event.value == mechanismMismatch:
            return hasKeys
                ? "the coordinator does not use CURVE: start it with --keys, or run this \(role) without --keys"
                : "the coordinator requires CURVE keys: pass --keys DIR (or set CROSSFOLD_KEYS) with this "
                    + "\(role)'s folder from `crossfold keys generate`"
        case .handshakeFailedProtocol where event.value == cryptographic || event.value == keyExchange:
            return "the CURVE handshake failed: is coordinator.pub in this \(role)'s folder the coordinator's key?"
        default:
            // Typically EPIPE: the coordinator dropped the connection mid-handshake, as it does for
            // a peer whose mechanism (NULL or CURVE) or server key does not match its own.
            return hasKeys
                ? "the coordinator dropped the connection during the CURVE handshake: check that coordinator.pub "
                    + "in this \(role)'s folder is the coordinator's key and that the coordinator runs with --keys"
                : "the coordinator dropped the connection during the handshake: it probably requires CURVE keys; "
                    + "pass --keys DIR (or set CROSSFOLD_KEYS) with this \(role)'s folder from `crossfold keys generate`"
        }
    }

    // ZMQ_PROTOCOL_ERROR_* values of zmq.h (libzmq 4.3.4).
    static let mechanismMismatch: UInt32 = 0x1100_0002
    static let cryptographic: UInt32 = 0x1100_0001
    static let keyExchange: UInt32 = 0x1000_0003
}
