/// Finds NaN and infinity in a feature matrix.
enum NonFiniteScan {
    /// The index of the first NaN or infinite value, or nil when all are finite.
    static func firstIndex(in values: FeatureMatrix) -> Int? {
        values.withUnsafeBufferPointer { firstIndex(in: $0) }
    }

    /// The index of the first NaN or infinite value in `buffer`, or nil when all are finite.
    static func firstIndex(in buffer: UnsafeBufferPointer<Float>) -> Int? {
        // Scan blocks branch-free (the compiler vectorises the OR), then look inside a bad one.
        let block = 1024
        var start = 0
        while start < buffer.count {
            let stop = min(start + block, buffer.count)
            var exponentAllOnes: UInt32 = 0
            for i in start..<stop {
                let bits = buffer[i].bitPattern & 0x7F80_0000
                exponentAllOnes |= bits == 0x7F80_0000 ? 1 : 0
            }
            if exponentAllOnes != 0 {
                for i in start..<stop where !buffer[i].isFinite { return i }
            }
            start = stop
        }
        return nil
    }
}
