#if canImport(Glibc)
import Glibc
#endif

/// A socket option together with the Swift type of its value, so `socket.set(.linger, .zero)`
/// and `socket.get(.maxMessageSize)` pass exactly the C type libzmq expects (Int32, Int64,
/// bytes, or 41-byte Z85 keys). The catalogue is in `SocketOption+Catalogue.swift`.
public struct SocketOption<Value>: Sendable, CustomStringConvertible {
    /// The libzmq name, e.g. `ZMQ_LINGER`, used in error messages.
    public let name: String
    /// The numeric option id passed to `zmq_setsockopt`.
    public let code: Int32
    let encode: @Sendable (Value) throws(ZeroMQError) -> [UInt8]
    let decode: @Sendable ([UInt8]) throws(ZeroMQError) -> Value
    /// How many bytes to offer `zmq_getsockopt`.
    let capacity: Int

    init(
        _ name: String, _ code: Int32, capacity: Int,
        encode: @escaping @Sendable (Value) throws(ZeroMQError) -> [UInt8],
        decode: @escaping @Sendable ([UInt8]) throws(ZeroMQError) -> Value
    ) {
        self.name = name
        self.code = code
        self.capacity = capacity
        self.encode = encode
        self.decode = decode
    }

    public var description: String { name }
}

/// The byte layouts of option values.
enum OptionCodec {
    static func int32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
    static func int64(_ value: Int64) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

    static func int32(from bytes: [UInt8], _ name: String) throws(ZeroMQError) -> Int32 {
        guard bytes.count == 4 else { throw sizeError(name, expected: 4, got: bytes.count) }
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
    }

    static func int64(from bytes: [UInt8], _ name: String) throws(ZeroMQError) -> Int64 {
        guard bytes.count == 8 else { throw sizeError(name, expected: 8, got: bytes.count) }
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }
    }

    /// A non-negative duration as Int32 units (milliseconds or seconds), or EINVAL naming the option.
    static func units(_ value: Int64, _ name: String, unit: String) throws(ZeroMQError) -> Int32 {
        guard value >= 0, value <= Int64(Int32.max) else {
            throw ZeroMQError(
                code: EINVAL, function: "zmq_setsockopt",
                detail: "\(name) takes 0...\(Int32.max) \(unit), got \(value)")
        }
        return Int32(value)
    }

    /// The text before the first NUL.
    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func sizeError(_ name: String, expected: Int, got: Int) -> ZeroMQError {
        ZeroMQError(code: EINVAL, function: "zmq_getsockopt", detail: "\(name) returned \(got) bytes, expected \(expected)")
    }
}

extension SocketOption where Value == Int32 {
    static func int32(_ name: String, _ code: Int32) -> SocketOption {
        SocketOption(name, code, capacity: 4, encode: { OptionCodec.int32($0) }, decode: { bytes throws(ZeroMQError) in try OptionCodec.int32(from: bytes, name) })
    }
}

extension SocketOption where Value == Int64 {
    static func int64(_ name: String, _ code: Int32) -> SocketOption {
        SocketOption(name, code, capacity: 8, encode: { OptionCodec.int64($0) }, decode: { bytes throws(ZeroMQError) in try OptionCodec.int64(from: bytes, name) })
    }
}

extension SocketOption where Value == Bool {
    static func flag(_ name: String, _ code: Int32) -> SocketOption {
        SocketOption(
            name, code, capacity: 4, encode: { OptionCodec.int32($0 ? 1 : 0) },
            decode: { bytes throws(ZeroMQError) in try OptionCodec.int32(from: bytes, name) != 0 })
    }
}

extension SocketOption where Value == Duration {
    /// An Int32 count of milliseconds (or whole seconds with `inSeconds`), 0 and up.
    static func duration(_ name: String, _ code: Int32, inSeconds: Bool = false) -> SocketOption {
        SocketOption(
            name, code, capacity: 4,
            encode: { value throws(ZeroMQError) in
                let units = inSeconds ? value.secondsRoundingUp : value.millisecondsRoundingUp
                return OptionCodec.int32(try OptionCodec.units(units, name, unit: inSeconds ? "seconds" : "milliseconds"))
            },
            decode: { bytes throws(ZeroMQError) in
                let units = Int64(try OptionCodec.int32(from: bytes, name))
                return inSeconds ? .seconds(units) : .milliseconds(units)
            })
    }
}

extension SocketOption where Value == Duration? {
    /// An Int32 count of milliseconds where -1 (here `nil`) means "forever".
    static func timeout(_ name: String, _ code: Int32) -> SocketOption {
        SocketOption(
            name, code, capacity: 4,
            encode: { value throws(ZeroMQError) in
                guard let value else { return OptionCodec.int32(-1) }
                return OptionCodec.int32(try OptionCodec.units(value.millisecondsRoundingUp, name, unit: "milliseconds"))
            },
            decode: { bytes throws(ZeroMQError) in
                let milliseconds = try OptionCodec.int32(from: bytes, name)
                return milliseconds < 0 ? nil : .milliseconds(Int64(milliseconds))
            })
    }
}

extension SocketOption where Value == [UInt8] {
    /// Raw bytes, up to 255 (routing ids, subscriptions).
    static func binary(_ name: String, _ code: Int32) -> SocketOption {
        SocketOption(name, code, capacity: 256, encode: { $0 }, decode: { $0 })
    }
}

extension SocketOption where Value == String {
    /// Text without a terminating NUL on the way in; libzmq adds one on the way out.
    static func text(_ name: String, _ code: Int32) -> SocketOption {
        SocketOption(name, code, capacity: 1024, encode: { Array($0.utf8) }, decode: { OptionCodec.text($0) })
    }
}

extension SocketOption where Value == CurvePublicKey {
    /// A Z85 key: 40 characters plus NUL, length 41, which libzmq reads as Z85.
    static func publicKey(_ name: String, _ code: Int32) -> SocketOption {
        SocketOption(
            name, code, capacity: 41, encode: { Array($0.z85.utf8) + [0] },
            decode: { bytes throws(ZeroMQError) in try CurvePublicKey(z85: OptionCodec.text(bytes)) })
    }
}

extension SocketOption where Value == CurveSecretKey {
    /// A Z85 key: 40 characters plus NUL, length 41, which libzmq reads as Z85.
    static func secretKey(_ name: String, _ code: Int32) -> SocketOption {
        SocketOption(
            name, code, capacity: 41, encode: { Array($0.z85.utf8) + [0] },
            decode: { bytes throws(ZeroMQError) in try CurveSecretKey(z85: OptionCodec.text(bytes)) })
    }
}
