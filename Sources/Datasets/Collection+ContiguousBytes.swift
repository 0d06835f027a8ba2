extension Collection<UInt8> {
    /// Calls `body` with the bytes as one contiguous buffer, copying them only when the collection
    /// does not store them contiguously (arrays, slices and buffers do).
    func withContiguousBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        if let result = withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return result }
        return Array(self).withUnsafeBytes(body)
    }
}
