import CZeroMQ

/// Facts about the libzmq this process is linked against.
///
/// This enum shares the module's name, so `ZeroMQ.Message` looks inside the enum; where a type
/// name clashes with another module's, qualify it with a module selector: `ZeroMQ::Message`.
public enum ZeroMQ {
    /// A libzmq version, as `zmq_version` reports it.
    public struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
        public let major: Int
        public let minor: Int
        public let patch: Int

        public init(major: Int, minor: Int, patch: Int) {
            self.major = major
            self.minor = minor
            self.patch = patch
        }

        public var description: String { "\(major).\(minor).\(patch)" }

        public static func < (lhs: Version, rhs: Version) -> Bool {
            (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
    }

    /// The linked libzmq's version (`zmq_version`); log it at start-up, since behaviour
    /// such as the ZAP fail-open default differs between releases.
    public static var version: Version {
        var major: Int32 = 0
        var minor: Int32 = 0
        var patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return Version(major: Int(major), minor: Int(minor), patch: Int(patch))
    }

    /// Whether libzmq was built with a capability (`zmq_has`): "curve", "ipc", "draft", ...
    public static func has(_ capability: String) -> Bool {
        zmq_has(capability) == 1
    }
}
