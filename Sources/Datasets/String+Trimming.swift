extension String {
    /// The text without leading and trailing ASCII spaces and tabs.
    var trimmingSpaces: String {
        let bytes = Array(utf8)
        var start = 0
        var stop = bytes.count
        while start < stop, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while stop > start, bytes[stop - 1] == 0x20 || bytes[stop - 1] == 0x09 { stop -= 1 }
        if start == 0 && stop == bytes.count { return self }
        return String(decoding: bytes[start..<stop], as: UTF8.self)
    }
}
