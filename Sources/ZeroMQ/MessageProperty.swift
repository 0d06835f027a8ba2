/// A connection property libzmq attaches to received messages (`zmq_msg_gets`).
public struct MessageProperty: Sendable, Hashable, CustomStringConvertible {
    /// The property's name as libzmq spells it, e.g. `User-Id`.
    public let name: String

    /// A property by its libzmq name (metadata a ZAP handler returns is readable this way too).
    public init(_ name: String) {
        self.name = name
    }

    /// The user id the ZAP handler returned for the connection: an authenticated identity.
    public static let userID = MessageProperty("User-Id")
    /// The peer's IP address (TCP), as the kernel reports it.
    public static let peerAddress = MessageProperty("Peer-Address")
    /// The peer's socket type, e.g. `DEALER`.
    public static let socketType = MessageProperty("Socket-Type")
    /// The routing id the peer announced, if any.
    public static let routingID = MessageProperty("Routing-Id")

    public var description: String { name }
}
