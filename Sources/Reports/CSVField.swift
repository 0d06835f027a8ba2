import Foundation

/// RFC 4180 field quoting.
public enum CSVField {
    /// `text` as a CSV field: unchanged unless it holds a comma, a double quote, CR or LF, in which
    /// case it is wrapped in double quotes with each inner quote doubled.
    public static func escape(_ text: String) -> String {
        let needsQuotes = text.utf8.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
        }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
