/// A dataset's features: `rows × featureCount` Float32 values, row-major, held either in an array
/// (datasets built in memory: small files, tests) or in place in a mapped canonical file, which is
/// how every process holds a dataset of any size (docs/CANONICAL-FORMAT.md). Learners read it
/// through `withUnsafeBufferPointer` and never copy it.
public struct FeatureMatrix: Sendable, RandomAccessCollection, Equatable, ExpressibleByArrayLiteral {
    enum Storage: Sendable {
        case array([Float])
        /// `count` floats at byte `offset` of `file` (4-byte aligned).
        case mapped(MappedFile, offset: Int, count: Int)
    }

    let storage: Storage

    /// Values held in memory.
    public init(_ values: [Float]) {
        storage = .array(values)
    }

    public init(arrayLiteral values: Float...) {
        storage = .array(values)
    }

    /// `count` little-endian Float32 values at byte `offset` of `file`, used in place.
    /// The caller checked that they lie inside the file and that `offset` is a multiple of 4.
    init(mapping file: MappedFile, offset: Int, count: Int) {
        precondition(offset >= 0 && offset % 4 == 0 && offset + 4 * count <= file.size, "features outside the mapped file")
        #if _endian(little)
        storage = .mapped(file, offset: offset, count: count)
        #else
        let values = (0..<count).map { i in
            Float(bitPattern: UInt32(littleEndian: file.bytes.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)))
        }
        storage = .array(values)
        #endif
    }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .array(let values): values.count
        case .mapped(_, _, let count): count
        }
    }

    public subscript(index: Int) -> Float {
        switch storage {
        case .array(let values):
            return values[index]
        case .mapped(let file, let offset, let count):
            precondition(index >= 0 && index < count, "feature index out of range")
            return file.bytes.load(fromByteOffset: offset + 4 * index, as: Float.self)
        }
    }

    /// Reads the values in place.
    public func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<Float>) throws(E) -> R) throws(E) -> R {
        switch storage {
        case .array(let values):
            let result = values.withUnsafeBufferPointer { buffer in Result { () throws(E) -> R in try body(buffer) } }
            return try result.get()
        case .mapped(let file, let offset, let count):
            let raw = UnsafeRawBufferPointer(rebasing: file.bytes[offset..<(offset + 4 * count)])
            return try withExtendedLifetime(file) { () throws(E) -> R in
                try body(raw.assumingMemoryBound(to: Float.self))
            }
        }
    }

    /// The mapped file holding the values, or nil when they are in memory.
    public var mappedFile: MappedFile? {
        if case .mapped(let file, _, _) = storage { file } else { nil }
    }

    /// The canonical file whose feature section these values are (mapped at the header's end),
    /// or nil when they are in memory or elsewhere in a file: then a row index into the dataset
    /// is a row of that file's matrix, which another process can read in place.
    public var canonicalFile: MappedFile? {
        if case .mapped(let file, let offset, _) = storage, offset == CanonicalDataset.headerLength { file } else { nil }
    }

    /// The values as an array (a copy when they are mapped).
    public var array: [Float] {
        switch storage {
        case .array(let values): values
        case .mapped: withUnsafeBufferPointer { Array($0) }
        }
    }

    public static func == (lhs: FeatureMatrix, rhs: FeatureMatrix) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBufferPointer { left in rhs.withUnsafeBufferPointer { right in left.elementsEqual(right) } }
    }
}
