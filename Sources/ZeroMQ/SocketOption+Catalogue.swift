import CZeroMQ

/// `ZMQ_ZAP_ENFORCE_DOMAIN` (93). Debian's non-draft `zmq.h` declares it only under
/// `ZMQ_BUILD_DRAFT_API`, but libzmq 4.3.4's `options.cpp` handles it outside the draft guard,
/// so the installed library honours it; we define the number here rather than build with drafts.
let zapEnforceDomainOption: Int32 = 93

extension SocketOption where Value == Duration? {
    /// `ZMQ_LINGER`: how long `close` (and context termination) keeps unsent messages; `nil`
    /// is forever (libzmq's default, which can hang `Context.terminate`), `.zero` drops them.
    public static var linger: SocketOption { .timeout("ZMQ_LINGER", ZMQ_LINGER) }
    /// `ZMQ_RCVTIMEO`: how long a blocking receive waits before `EAGAIN`; `nil` is forever.
    public static var receiveTimeout: SocketOption { .timeout("ZMQ_RCVTIMEO", ZMQ_RCVTIMEO) }
    /// `ZMQ_SNDTIMEO`: how long a blocking send waits before `EAGAIN`; `nil` is forever.
    public static var sendTimeout: SocketOption { .timeout("ZMQ_SNDTIMEO", ZMQ_SNDTIMEO) }
}

extension SocketOption where Value == Duration {
    /// `ZMQ_RECONNECT_IVL`: the first wait before reconnecting (default 100 ms).
    public static var reconnectInterval: SocketOption { .duration("ZMQ_RECONNECT_IVL", ZMQ_RECONNECT_IVL) }
    /// `ZMQ_RECONNECT_IVL_MAX`: the cap the reconnect wait doubles up to; `.zero` disables backoff.
    public static var reconnectIntervalMax: SocketOption { .duration("ZMQ_RECONNECT_IVL_MAX", ZMQ_RECONNECT_IVL_MAX) }
    /// `ZMQ_HANDSHAKE_IVL`: how long a ZMTP/CURVE handshake may take (default 30 s); `.zero` is unlimited.
    public static var handshakeInterval: SocketOption { .duration("ZMQ_HANDSHAKE_IVL", ZMQ_HANDSHAKE_IVL) }
    /// `ZMQ_HEARTBEAT_IVL`: how often to send a ZMTP PING; `.zero` disables ZMTP heartbeats.
    public static var heartbeatInterval: SocketOption { .duration("ZMQ_HEARTBEAT_IVL", ZMQ_HEARTBEAT_IVL) }
    /// `ZMQ_HEARTBEAT_TIMEOUT`: how long to wait for traffic after a PING before dropping the link.
    public static var heartbeatTimeout: SocketOption { .duration("ZMQ_HEARTBEAT_TIMEOUT", ZMQ_HEARTBEAT_TIMEOUT) }
    /// `ZMQ_HEARTBEAT_TTL`: the timeout the peer should apply to us; libzmq rounds it down to
    /// tenths of a second, so under 100 ms has no effect.
    public static var heartbeatTTL: SocketOption { .duration("ZMQ_HEARTBEAT_TTL", ZMQ_HEARTBEAT_TTL) }
    /// `ZMQ_TCP_KEEPALIVE_IDLE`, in whole seconds: idle time before the first TCP keepalive probe.
    public static var tcpKeepAliveIdle: SocketOption {
        .duration("ZMQ_TCP_KEEPALIVE_IDLE", ZMQ_TCP_KEEPALIVE_IDLE, inSeconds: true)
    }
    /// `ZMQ_TCP_KEEPALIVE_INTVL`, in whole seconds: time between TCP keepalive probes.
    public static var tcpKeepAliveInterval: SocketOption {
        .duration("ZMQ_TCP_KEEPALIVE_INTVL", ZMQ_TCP_KEEPALIVE_INTVL, inSeconds: true)
    }
}

extension SocketOption where Value == Bool {
    /// `ZMQ_ROUTER_MANDATORY`: a ROUTER send to an unknown routing id fails with
    /// `EHOSTUNREACH` instead of being dropped silently.
    public static var routerMandatory: SocketOption { .flag("ZMQ_ROUTER_MANDATORY", ZMQ_ROUTER_MANDATORY) }
    /// `ZMQ_ROUTER_HANDOVER`: a new connection with a routing id in use takes it over.
    public static var routerHandover: SocketOption { .flag("ZMQ_ROUTER_HANDOVER", ZMQ_ROUTER_HANDOVER) }
    /// `ZMQ_IMMEDIATE`: queue messages only to completed connections, so nothing waits on a
    /// pipe whose peer is not there yet.
    public static var immediate: SocketOption { .flag("ZMQ_IMMEDIATE", ZMQ_IMMEDIATE) }
    /// `ZMQ_PROBE_ROUTER`: send an empty message to a ROUTER peer on connect.
    public static var probeRouter: SocketOption { .flag("ZMQ_PROBE_ROUTER", ZMQ_PROBE_ROUTER) }
    /// `ZMQ_IPV6`: allow IPv6 addresses on TCP endpoints.
    public static var ipv6: SocketOption { .flag("ZMQ_IPV6", ZMQ_IPV6) }
    /// `ZMQ_CONFLATE`: keep only the last message (single-part messages only).
    public static var conflate: SocketOption { .flag("ZMQ_CONFLATE", ZMQ_CONFLATE) }
    /// `ZMQ_CURVE_SERVER`: act as a CURVE server (needs `curveSecretKey`).
    public static var curveServer: SocketOption { .flag("ZMQ_CURVE_SERVER", ZMQ_CURVE_SERVER) }
    /// `ZMQ_ZAP_ENFORCE_DOMAIN` (93): with a `zapDomain` set, fail every handshake when no ZAP
    /// handler answers, instead of letting any CURVE key in (libzmq 4.3.4's fail-open default).
    public static var zapEnforceDomain: SocketOption { .flag("ZMQ_ZAP_ENFORCE_DOMAIN", zapEnforceDomainOption) }
}

extension SocketOption where Value == Int32 {
    /// `ZMQ_SNDHWM`: messages queued per peer before sends block or drop (default 1000).
    public static var sendHighWaterMark: SocketOption { .int32("ZMQ_SNDHWM", ZMQ_SNDHWM) }
    /// `ZMQ_RCVHWM`: messages queued per peer on receive (default 1000).
    public static var receiveHighWaterMark: SocketOption { .int32("ZMQ_RCVHWM", ZMQ_RCVHWM) }
    /// `ZMQ_TCP_KEEPALIVE`: -1 leaves the OS default, 0 disables, 1 enables TCP keepalive.
    public static var tcpKeepAlive: SocketOption { .int32("ZMQ_TCP_KEEPALIVE", ZMQ_TCP_KEEPALIVE) }
    /// `ZMQ_TCP_KEEPALIVE_CNT`: unanswered probes before the kernel drops the link (-1: OS default).
    public static var tcpKeepAliveCount: SocketOption { .int32("ZMQ_TCP_KEEPALIVE_CNT", ZMQ_TCP_KEEPALIVE_CNT) }
    /// `ZMQ_BACKLOG`: pending TCP connections the listener queues.
    public static var backlog: SocketOption { .int32("ZMQ_BACKLOG", ZMQ_BACKLOG) }
    /// `ZMQ_SNDBUF`: the kernel send buffer in bytes (-1: OS default).
    public static var sendBufferSize: SocketOption { .int32("ZMQ_SNDBUF", ZMQ_SNDBUF) }
    /// `ZMQ_RCVBUF`: the kernel receive buffer in bytes (-1: OS default).
    public static var receiveBufferSize: SocketOption { .int32("ZMQ_RCVBUF", ZMQ_RCVBUF) }
}

extension SocketOption where Value == Int64 {
    /// `ZMQ_MAXMSGSIZE`: the largest frame, in bytes, accepted from a peer (checked per frame,
    /// not per message); a peer sending more is disconnected. -1 (default) is unlimited.
    public static var maxMessageSize: SocketOption { .int64("ZMQ_MAXMSGSIZE", ZMQ_MAXMSGSIZE) }
}

extension SocketOption where Value == [UInt8] {
    /// `ZMQ_ROUTING_ID`: the id a ROUTER peer sees for this socket (1...255 bytes, not starting
    /// with 0); set before connecting.
    public static var routingID: SocketOption { .binary("ZMQ_ROUTING_ID", ZMQ_ROUTING_ID) }
    /// `ZMQ_CONNECT_ROUTING_ID` (ROUTER, write-only): the id to give the peer of the next `connect`.
    public static var connectRoutingID: SocketOption { .binary("ZMQ_CONNECT_ROUTING_ID", ZMQ_CONNECT_ROUTING_ID) }
    /// `ZMQ_SUBSCRIBE` (SUB, write-only): receive messages starting with these bytes.
    public static var subscribe: SocketOption { .binary("ZMQ_SUBSCRIBE", ZMQ_SUBSCRIBE) }
    /// `ZMQ_UNSUBSCRIBE` (SUB, write-only): drop a subscription.
    public static var unsubscribe: SocketOption { .binary("ZMQ_UNSUBSCRIBE", ZMQ_UNSUBSCRIBE) }
}

extension SocketOption where Value == String {
    /// `ZMQ_ZAP_DOMAIN`: the domain sent to the ZAP handler, which can apply a different
    /// allowlist per domain (e.g. `workers`, `admins`).
    public static var zapDomain: SocketOption { .text("ZMQ_ZAP_DOMAIN", ZMQ_ZAP_DOMAIN) }
}

extension SocketOption where Value == CurvePublicKey {
    /// `ZMQ_CURVE_PUBLICKEY`: this client's long-term public key.
    public static var curvePublicKey: SocketOption { .publicKey("ZMQ_CURVE_PUBLICKEY", ZMQ_CURVE_PUBLICKEY) }
    /// `ZMQ_CURVE_SERVERKEY`: the server's public key, which a client must know in advance.
    public static var curveServerKey: SocketOption { .publicKey("ZMQ_CURVE_SERVERKEY", ZMQ_CURVE_SERVERKEY) }
}

extension SocketOption where Value == CurveSecretKey {
    /// `ZMQ_CURVE_SECRETKEY`: this socket's long-term secret key (server or client).
    public static var curveSecretKey: SocketOption { .secretKey("ZMQ_CURVE_SECRETKEY", ZMQ_CURVE_SECRETKEY) }
}
