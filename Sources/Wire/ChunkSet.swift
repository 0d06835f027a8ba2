/// Which chunks of a dataset someone holds: one bit per chunk, chunk `i` in bit `i % 8` of byte
/// `i / 8`, as it travels in SOURCES (docs/PROTOCOL.md, Peer distribution). Bits past `count` are
/// zero.
public struct ChunkSet: Sendable, Equatable, Hashable {
    /// Chunks in the dataset.
    public let count: Int
    public private(set) var bytes: [UInt8]
    /// Chunks in the set.
    public private(set) var members: Int

    /// The empty set of `count` chunks.
    public init(count: Int) {
        self.count = max(0, count)
        bytes = [UInt8](repeating: 0, count: Self.byteCount(count))
        members = 0
    }

    /// Every chunk of `count`.
    public static func all(_ count: Int) -> ChunkSet {
        var set = ChunkSet(count: count)
        for index in 0..<set.count { set.insert(index) }
        return set
    }

    /// The set a frame describes; nil when its length is not the one `count` chunks need.
    public init?(bytes: [UInt8], count: Int) {
        guard count >= 0, bytes.count == Self.byteCount(count) else { return nil }
        self.count = count
        var clean = bytes
        // Bits past `count` carry nothing; a sender that set them is ignored, not trusted.
        if count % 8 != 0, let last = clean.indices.last { clean[last] &= UInt8((1 << (count % 8)) - 1) }
        self.bytes = clean
        members = clean.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// Bytes a set of `count` chunks takes on the wire.
    public static func byteCount(_ count: Int) -> Int { (max(0, count) + 7) / 8 }

    public func contains(_ index: Int) -> Bool {
        guard (0..<count).contains(index) else { return false }
        return bytes[index >> 3] & (1 << UInt8(index & 7)) != 0
    }

    public mutating func insert(_ index: Int) {
        guard (0..<count).contains(index), !contains(index) else { return }
        bytes[index >> 3] |= 1 << UInt8(index & 7)
        members += 1
    }

    public mutating func remove(_ index: Int) {
        guard contains(index) else { return }
        bytes[index >> 3] &= ~(1 << UInt8(index & 7))
        members -= 1
    }

    public var isEmpty: Bool { members == 0 }
    public var isComplete: Bool { members == count }

    /// The members, in increasing order.
    public var indices: [Int] { (0..<count).filter(contains) }
}
