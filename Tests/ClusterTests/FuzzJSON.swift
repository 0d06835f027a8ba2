import TestSupport

/// A JSON header as the fuzzer builds it: members in order (so a key can appear twice), and
/// numbers kept as text, so values no `Codable` type would write (`1e400`, `-0`, 2^64, `NaN`)
/// can be sent.
indirect enum FuzzJSON: Sendable {
    case object([(String, FuzzJSON)])
    case array([FuzzJSON])
    case string(String)
    /// A number, `true`, `false`, `null`, or any other bare text, written as is.
    case raw(String)

    static func int(_ value: Int) -> FuzzJSON { .raw(String(value)) }
    static func uint(_ value: UInt64) -> FuzzJSON { .raw(String(value)) }
    static func bool(_ value: Bool) -> FuzzJSON { .raw(value ? "true" : "false") }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string(let text):
            Self.writeString(text, into: &out)
        case .raw(let text):
            out += Array(text.utf8)
        }
    }

    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: copy them whole (this runs for every fuzz message).
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += text.utf8
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case 0..<0x20: out += Array(String(format: byte).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Members of an object, for mutation.
    var members: [(String, FuzzJSON)]? {
        if case .object(let members) = self { members } else { nil }
    }
}

private extension String {
    /// `\u00XX` for a control byte.
    init(format byte: UInt8) {
        let hex = String(byte, radix: 16)
        self = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}

/// Values of every JSON type, biased to the edges: huge and negative numbers, numbers that do not
/// fit 64 bits, fractions where integers belong, long and odd strings.
enum FuzzValues {
    static let numbers = [
        "0", "1", "-1", "2", "-0", "0.5", "1.0", "1e3", "-1e3", "255", "1024", "1025", "65536", "4194304", "4194305",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967296", "9007199254740993",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "1e18", "1e19", "1e308", "1e400", "-1e400", "1e-400",
        "123456789012345678901234567890", "1000000000", "1000000", "68719476736", "68719476737",
    ]

    static func number(using random: inout FuzzRandom) -> FuzzJSON {
        random.chance(1, in: 4) ? .int(random.int(in: -5...100)) : .raw(random.pick(numbers))
    }

    static func string(using random: inout FuzzRandom) -> String {
        switch random.below(10) {
        case 0: return ""
        case 1: return String(repeating: "a", count: random.int(in: 100...2_000))
        case 2: return "\u{0}\u{1}\u{1F}\u{7F}"
        case 3: return "é漢字🐈\u{FEFF}\u{202E}"
        case 4: return "../../etc/passwd"
        case 5: return String(repeating: "0", count: 64)
        case 6: return (0..<64).map { _ in random.pick(Array("0123456789ABCDEFabcdefg")) }.map(String.init).joined()
        case 7: return "%s%n%x{}"
        default: return "x\(random.below(1000))"
        }
    }

    /// Any value, possibly nested.
    static func any(using random: inout FuzzRandom, depth: Int = 0) -> FuzzJSON {
        switch random.below(depth > 2 ? 6 : 9) {
        case 0, 1: return number(using: &random)
        case 2: return .string(string(using: &random))
        case 3: return .bool(random.chance(1, in: 2))
        case 4: return .raw("null")
        case 5: return .raw(random.pick(["NaN", "Infinity", "-Infinity", "undefined", "0x10", "01", "+1", ".5", "1.", "--1"]))
        case 6: return .array((0..<random.below(4)).map { _ in any(using: &random, depth: depth + 1) })
        case 7: return .object((0..<random.below(4)).map { _ in ("k\(random.below(5))", any(using: &random, depth: depth + 1)) })
        default: return .raw(String(repeating: "[", count: random.int(in: 1...4_000)))
        }
    }

    /// `unit` repeated `count` times (built with one allocation: this runs for many messages).
    static func repeated(_ unit: [UInt8], count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: unit.count * count) { buffer, initialized in
            unit.withUnsafeBytes { source in
                for index in 0..<count {
                    UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[(index * unit.count)...])
                        .copyMemory(from: source)
                }
            }
            initialized = unit.count * count
        }
    }

    /// JSON nested `depth` deep, in a header-sized text.
    static func nested(depth: Int) -> [UInt8] {
        [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8](repeating: UInt8(ascii: "]"), count: depth)
    }
}
