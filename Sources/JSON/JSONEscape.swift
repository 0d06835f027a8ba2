/// JSON's string escapes (the text after a backslash), read the same way by the JSONL reader
/// (`JSONScanner`) and by `JSONValue.parse`; each says a failure in its own words.
public enum JSONEscape {
    public enum Failure: Error, Equatable {
        /// The text ends inside the escape.
        case truncated
        /// A letter that is no escape (`\x`).
        case unknown(UInt8)
        /// `\u` without four hexadecimal digits.
        case badHex
        /// A high surrogate without its low one, or a low one alone.
        case unpairedSurrogate
    }

    /// Appends the UTF-8 of the escape at `base[position]` (the byte after the backslash) to
    /// `bytes` and moves `position` past it. On a failure `position` is at the byte that failed
    /// (past the letter, for `unknown`).
    public static func unescape(
        _ base: UnsafePointer<UInt8>, end: Int, position: inout Int, into bytes: inout [UInt8]
    ) -> Failure? {
        guard position < end else { return .truncated }
        let byte = base[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(byte)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            guard var scalar = hexQuad(base, end: end, position: &position) else { return .badHex }
            if (0xD800..<0xDC00).contains(scalar) {
                guard end - position >= 6, base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u") else {
                    return .unpairedSurrogate
                }
                position += 2
                guard let low = hexQuad(base, end: end, position: &position) else { return .badHex }
                guard (0xDC00..<0xE000).contains(low) else { return .unpairedSurrogate }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                return .unpairedSurrogate
            }
            // Every value left is a scalar: surrogates are handled above and four digits stay
            // below 0x10000.
            bytes.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default:
            return .unknown(byte)
        }
        return nil
    }

    /// Four hexadecimal digits at `position`, moving past each digit read; nil at a byte that is
    /// not one or at the end.
    private static func hexQuad(_ base: UnsafePointer<UInt8>, end: Int, position: inout Int) -> UInt32? {
        guard end - position >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}
