/// A whole multipart message: its frames, and the connection properties libzmq attached to it
/// when the receiver asked for them (`Socket.receive(properties:)`).
public struct Message: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// The frames, in order; a ROUTER's first frame is the sender's routing id.
    public var frames: [Frame]
    /// Properties read with `zmq_msg_gets` from the message as it arrived; absent when not
    /// requested or not set on the connection.
    public var properties: [MessageProperty: String]

    /// A message of `frames`, with no properties.
    public init(_ frames: [Frame], properties: [MessageProperty: String] = [:]) {
        self.frames = frames
        self.properties = properties
    }

    public init(arrayLiteral elements: Frame...) {
        self.init(elements)
    }

    /// The number of frames.
    public var count: Int { frames.count }

    /// The frame at `index`.
    public subscript(index: Int) -> Frame { frames[index] }

    /// The ZAP-authenticated user id of the sender (`User-Id`), when requested and present.
    public var userID: String? { properties[.userID] }

    /// The sender's IP address (`Peer-Address`), when requested and the transport has one.
    public var peerAddress: String? { properties[.peerAddress] }

    public var description: String {
        "[" + frames.map(\.description).joined(separator: " | ") + "]"
    }
}
