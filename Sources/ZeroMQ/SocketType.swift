import CZeroMQ

/// The ZeroMQ socket patterns available in Debian's (non-draft) libzmq 4.3.4.
public enum SocketType: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case pair, publisher, subscriber, request, reply, dealer, router, pull, push, xpublisher, xsubscriber, stream

    /// The `ZMQ_*` constant passed to `zmq_socket`.
    public var rawValue: Int32 {
        switch self {
        case .pair: ZMQ_PAIR
        case .publisher: ZMQ_PUB
        case .subscriber: ZMQ_SUB
        case .request: ZMQ_REQ
        case .reply: ZMQ_REP
        case .dealer: ZMQ_DEALER
        case .router: ZMQ_ROUTER
        case .pull: ZMQ_PULL
        case .push: ZMQ_PUSH
        case .xpublisher: ZMQ_XPUB
        case .xsubscriber: ZMQ_XSUB
        case .stream: ZMQ_STREAM
        }
    }

    public var description: String {
        switch self {
        case .pair: "PAIR"
        case .publisher: "PUB"
        case .subscriber: "SUB"
        case .request: "REQ"
        case .reply: "REP"
        case .dealer: "DEALER"
        case .router: "ROUTER"
        case .pull: "PULL"
        case .push: "PUSH"
        case .xpublisher: "XPUB"
        case .xsubscriber: "XSUB"
        case .stream: "STREAM"
        }
    }
}
