import Foundation

/// One part of a multipart message: bytes copied into Swift, or a range of a `PinnedBuffer`
/// that `Socket.send` hands to libzmq without copying.
///
/// Frames compare and hash by content, whatever their storage.
public struct Frame: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral,
    ExpressibleByArrayLiteral
{
    enum Storage: Sendable {
        case bytes([UInt8])
        case pinned(PinnedBuffer, Range<Int>)
    }

    let storage: Storage

    /// A frame holding a copy of `bytes`.
    public init(_ bytes: [UInt8]) {
        storage = .bytes(bytes)
    }

    /// A frame holding a copy of `data`.
    public init(_ data: Data) {
        storage = .bytes([UInt8](data))
    }

    /// A frame holding the UTF-8 bytes of `string` (no terminating NUL).
    public init(_ string: String) {
        storage = .bytes(Array(string.utf8))
    }

    /// A zero-copy frame over `range` of `buffer` (all of it by default): `send` passes the
    /// memory itself to libzmq, which releases the buffer when it is done with the message.
    public init(zeroCopy buffer: PinnedBuffer, range: Range<Int>? = nil) {
        let range = range ?? 0..<buffer.count
        precondition(range.lowerBound >= 0 && range.upperBound <= buffer.count, "Frame range outside the buffer")
        storage = .pinned(buffer, range)
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public init(arrayLiteral elements: UInt8...) {
        self.init(elements)
    }

    /// The number of bytes.
    public var count: Int {
        switch storage {
        case .bytes(let bytes): bytes.count
        case .pinned(_, let range): range.count
        }
    }

    /// Whether the frame has no bytes (e.g. a REQ/REP delimiter).
    public var isEmpty: Bool { count == 0 }

    /// The bytes, copied out of a pinned buffer if need be.
    public var bytes: [UInt8] {
        switch storage {
        case .bytes(let bytes): bytes
        case .pinned: withUnsafeBytes { Array($0) }
        }
    }

    /// The bytes as `Data`.
    public var data: Data {
        withUnsafeBytes { Data($0) }
    }

    /// The bytes decoded as UTF-8, or nil when they are not valid UTF-8.
    public var string: String? {
        withUnsafeBytes { raw in String(validating: raw.bindMemory(to: UInt8.self), as: UTF8.self) }
    }

    /// Reads the bytes in place, without copying.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        switch storage {
        case .bytes(let bytes):
            // Array.withUnsafeBytes is untyped `rethrows`; carry the typed error through a Result.
            let result = bytes.withUnsafeBytes { raw in Result { () throws(E) -> R in try body(raw) } }
            return try result.get()
        case .pinned(let buffer, let range):
            return try buffer.withUnsafeBytes { (raw) throws(E) -> R in
                try body(UnsafeRawBufferPointer(rebasing: raw[range]))
            }
        }
    }

    public static func == (lhs: Frame, rhs: Frame) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in left.elementsEqual(right) } }
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Short and log-safe: printable ASCII is quoted, anything else shown as leading hex bytes.
    public var description: String {
        withUnsafeBytes { raw in
            let printable = raw.allSatisfy { (0x20..<0x7F).contains($0) }
            if printable && raw.count <= 64 {
                return "\"\(String(decoding: raw, as: UTF8.self))\""
            }
            let head = raw.prefix(16).map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
            return "<\(raw.count) bytes: \(head)\(raw.count > 16 ? "…" : "")>"
        }
    }
}
