/// Seeded byte-level mutations for the fuzz tests, in the manner of AFL's havoc stage: bit flips,
/// interesting integers, insertions and deletions, duplicated and swapped ranges, truncation, and
/// tokens of the format under test (quotes, brackets, `nan`, huge numbers) spliced in at random.
/// Each mutation says what it did, so a failing case can be described as well as replayed.
public struct ByteMutator: Sendable {
    /// Byte strings that mean something to the parser under test.
    public let tokens: [[UInt8]]

    public init(tokens: [String] = []) {
        self.tokens = tokens.map { Array($0.utf8) }
    }

    public init(tokenBytes: [[UInt8]]) {
        tokens = tokenBytes
    }

    /// Integers at the edges of their types, as 1, 2, 4 or 8 little-endian bytes.
    static let interesting: [UInt64] = [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE,
        64, 1 << 20, 1 << 30, 1 << 40,
    ]

    /// `rounds` random mutations of `bytes` (at least one), with a description of each.
    public func mutate(_ bytes: [UInt8], rounds: Int, using random: inout FuzzRandom) -> (bytes: [UInt8], steps: [String]) {
        var bytes = bytes
        var steps: [String] = []
        for _ in 0..<max(1, rounds) {
            steps.append(mutateOnce(&bytes, using: &random))
        }
        return (bytes, steps)
    }

    /// One mutation in place; returns what it did.
    public func mutateOnce(_ bytes: inout [UInt8], using random: inout FuzzRandom) -> String {
        let kinds = tokens.isEmpty ? 10 : 13
        switch random.below(kinds) {
        case 0 where !bytes.isEmpty:
            let at = random.below(bytes.count)
            let bit = random.below(8)
            bytes[at] ^= 1 << bit
            return "flip bit \(bit) of byte \(at)"
        case 1 where !bytes.isEmpty:
            let at = random.below(bytes.count)
            let value = UInt8(truncatingIfNeeded: random.next())
            bytes[at] = value
            return "set byte \(at) to \(value)"
        case 2:
            let at = random.below(bytes.count + 1)
            let inserted = random.bytes(1 + random.skewedSize(upTo: 16))
            bytes.insert(contentsOf: inserted, at: at)
            return "insert \(inserted.count) random bytes at \(at)"
        case 3 where !bytes.isEmpty:
            let at = random.below(bytes.count)
            let count = min(bytes.count - at, 1 + random.skewedSize(upTo: 64))
            bytes.removeSubrange(at..<(at + count))
            return "delete \(count) bytes at \(at)"
        case 4 where !bytes.isEmpty:
            let at = random.below(bytes.count)
            let count = min(bytes.count - at, 1 + random.skewedSize(upTo: 256))
            let copies = 1 + random.skewedSize(upTo: 8)
            let range = Array(bytes[at..<(at + count)])
            for _ in 0..<copies { bytes.insert(contentsOf: range, at: at) }
            return "repeat \(count) bytes at \(at) \(copies) more times"
        case 5 where !bytes.isEmpty:
            let at = random.below(bytes.count + 1)
            bytes.removeSubrange(at...)
            return "truncate to \(at) bytes"
        case 6...7 where bytes.count >= 8:
            let width = random.pick([1, 2, 4, 8])
            let at = random.below(bytes.count - width + 1)
            var value = random.pick(Self.interesting)
            if random.chance(1, in: 4) { value = ~value &+ 1 }
            for index in 0..<width { bytes[at + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
            return "write \(value) as \(width) bytes at \(at)"
        case 8 where bytes.count >= 2:
            let a = random.below(bytes.count)
            let b = random.below(bytes.count)
            bytes.swapAt(a, b)
            return "swap bytes \(a) and \(b)"
        case 9 where !bytes.isEmpty:
            let at = random.below(bytes.count)
            let count = min(bytes.count - at, 1 + random.skewedSize(upTo: 32))
            let fill = random.pick([UInt8(0), 0xFF, 0x20, 0x0A, 0x22, 0x2C])
            for index in at..<(at + count) { bytes[index] = fill }
            return "fill \(count) bytes at \(at) with \(fill)"
        case 10...11 where !tokens.isEmpty:
            let token = random.pick(tokens)
            let at = random.below(bytes.count + 1)
            bytes.insert(contentsOf: token, at: at)
            return "insert token \(Self.show(token)) at \(at)"
        case 12 where !tokens.isEmpty && !bytes.isEmpty:
            let token = random.pick(tokens)
            let at = random.below(bytes.count)
            let end = min(bytes.count, at + token.count)
            bytes.replaceSubrange(at..<end, with: token)
            return "overwrite with token \(Self.show(token)) at \(at)"
        default:
            let at = random.below(bytes.count + 1)
            let byte = random.pick([UInt8(0), 0x0A, 0x0D, 0x22, 0x2C, 0x7B, 0x5B, 0x5D, 0x7D, 0x5C, 0xC3, 0xFF])
            bytes.insert(byte, at: at)
            return "insert byte \(byte) at \(at)"
        }
    }

    /// A token for a description: its text when printable and short, else its length.
    static func show(_ token: [UInt8]) -> String {
        guard token.count <= 40, token.allSatisfy({ (0x20..<0x7F).contains($0) }) else { return "<\(token.count) bytes>" }
        return "\"" + String(decoding: token, as: UTF8.self) + "\""
    }
}
