/// Builds `.npy` files the way numpy.save writes them, so tests need no Python. (The version 1.0
/// layout was checked byte for byte against numpy 2.4's output for a (3, 2) float32 matrix.)
enum NPYBytes {
    /// Magic, version, header length, the header dict padded with spaces to a multiple of 64 bytes
    /// and ending in a newline, then the data.
    static func file(descr: String = "<f4", fortranOrder: Bool = false, shape: String, data: [UInt8], version: UInt8 = 1) -> [UInt8] {
        let dict = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shape), }"
        let prefix = version == 1 ? 10 : 12
        var header = Array(dict.utf8)
        let total = (prefix + header.count + 1 + 63) / 64 * 64
        header += [UInt8](repeating: 0x20, count: total - prefix - header.count - 1) + [0x0A]
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        let length = header.count
        bytes += version == 1
            ? [UInt8(length & 0xFF), UInt8(length >> 8)]
            : [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
        return bytes + header + data
    }

    static func float32(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    static func float64(_ values: [Double]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    static func float32BigEndian(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.bigEndian) { Array($0) } }
    }
}
