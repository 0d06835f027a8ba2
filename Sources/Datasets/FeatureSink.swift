/// Where a reader puts the feature values it parses, in row-major order: an array for a dataset
/// held in memory, or a `CanonicalFileWriter` that streams them to a canonical file, so importing
/// a dataset never holds its features in memory.
public protocol FeatureSink {
    /// Adds one value.
    mutating func append(_ value: Float) throws(DatasetError)
    /// Adds values in order.
    mutating func append(contentsOf values: UnsafeBufferPointer<Float>) throws(DatasetError)
    /// How many values were added.
    var count: Int { get }
    /// Room for `capacity` values in all, when the sink can use the hint.
    mutating func reserveCapacity(_ capacity: Int)
}

extension Array: FeatureSink where Element == Float {
    public mutating func append(contentsOf values: UnsafeBufferPointer<Float>) throws(DatasetError) {
        // The standard library's generic append; calling append(contentsOf:) here would pick this method again.
        self += values
    }
}
