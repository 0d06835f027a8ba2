/// Indents compact JSON text the way `SortedJSONEncoder(pretty: true)` (and `JSONEncoder`'s
/// `.prettyPrinted`) lays it out: two spaces a level, `" : "` after a key, an empty container as
/// an open and a close bracket on lines of their own. One pass over the bytes, no tree: for text
/// `SortedJSONEncoder` wrote compact, the result is the bytes it would have written pretty
/// (`JSONIndentTests` compares them), so a client writes a large result indented without
/// decoding and encoding it again.
public enum JSONIndent {
    /// `compact` indented. Whitespace outside strings is dropped first; the output ends in a
    /// newline when the input does. Text that is not JSON comes out rearranged, not refused: the
    /// caller passes text it parsed already.
    public static func pretty(_ compact: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(compact.count + compact.count / 2)
        var indent = 0
        var inString = false
        var escaped = false
        var index = 0
        let count = compact.count
        while index < count {
            let byte = compact[index]
            index += 1
            if inString {
                out.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                out.append(byte)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(byte)
                out.append(0x0A)
                var next = index
                while next < count, isWhitespace(compact[next]) { next += 1 }
                if next < count, compact[next] == byte + 2 {
                    // Empty: `{` + 2 is `}`, `[` + 2 is `]`.
                    out.append(0x0A)
                    JSONText.spaces(indent, into: &out)
                    out.append(compact[next])
                    index = next + 1
                } else {
                    indent += 2
                    JSONText.spaces(indent, into: &out)
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                indent = max(0, indent - 2)
                out.append(0x0A)
                JSONText.spaces(indent, into: &out)
                out.append(byte)
            case UInt8(ascii: ","):
                out.append(byte)
                out.append(0x0A)
                JSONText.spaces(indent, into: &out)
            case UInt8(ascii: ":"):
                out.append(contentsOf: [0x20, UInt8(ascii: ":"), 0x20])
            case let space where isWhitespace(space):
                continue
            default:
                out.append(byte)
            }
        }
        if compact.last == 0x0A { out.append(0x0A) }
        return out
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
