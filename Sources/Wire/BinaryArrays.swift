/// Raw little-endian arrays in binary frames. crossfold runs on little-endian hosts only
/// (x86-64, AArch64), so the host layout is the wire layout; `checkLittleEndian` guards it.
public enum BinaryArrays {
    public static func bytes(_ values: [Float]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }

    public static func bytes(_ values: [Int32]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }

    /// Float32 values from `frame`, which must hold exactly `count` of them.
    public static func floats(_ frame: [UInt8], count: Int, what: String) throws(WireError) -> [Float] {
        try checkSize(frame, count: count, width: 4, what: what)
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            frame.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            }
            initialized = count
        }
    }

    /// Int32 values from `frame`, which must hold exactly `count` of them.
    public static func int32s(_ frame: [UInt8], count: Int, what: String) throws(WireError) -> [Int32] {
        try checkSize(frame, count: count, width: 4, what: what)
        return [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            frame.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            }
            initialized = count
        }
    }

    private static func checkSize(_ frame: [UInt8], count: Int, width: Int, what: String) throws(WireError) {
        guard count >= 0, count <= Int(Int32.max) else {
            throw WireError(.malformed, "\(what): count \(count) out of range")
        }
        guard frame.count == count * width else {
            throw WireError(.malformed, "\(what): expected \(count * width) bytes, got \(frame.count)")
        }
    }

    /// True on the hosts crossfold supports.
    public static var hostIsLittleEndian: Bool { 1.littleEndian == 1 }
}
