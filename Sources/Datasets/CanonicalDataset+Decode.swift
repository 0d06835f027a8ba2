extension CanonicalDataset {
    /// Reads canonical bytes held in memory back into a `Dataset` (its features copied into it).
    ///
    /// The bytes may come from a network peer: every length and offset is checked against the
    /// buffer before it is used, and only canonical bytes are accepted (known flags, zero reserved
    /// bytes and padding, 0/1 labels, valid UTF-8, concepts in canonical order, nothing after the
    /// end), so decoding then encoding gives back the same bytes and the same hash.
    ///
    /// - Parameters:
    ///   - bytes: the canonical bytes: an array, a slice, a buffer or any other collection of bytes.
    ///   - file: the name to put in errors (a path, or where the bytes came from).
    /// - Throws: `DatasetError` with rule `unknown-format` (not a canonical dataset, or another
    ///   format version) or `malformed` (truncated or damaged).
    public static func decode(_ bytes: some Collection<UInt8>, file: String) throws(DatasetError) -> Dataset {
        try bytes.withContiguousBytes { raw in
            Result { () throws(DatasetError) -> Dataset in try decode(raw: raw, file: file) }
        }.get()
    }

    static func decode(raw bytes: UnsafeRawBufferPointer, file: String) throws(DatasetError) -> Dataset {
        let layout = try CanonicalLayout(header: bytes, byteCount: bytes.count, file: file)
        let tail = try readTail(layout, UnsafeRawBufferPointer(rebasing: bytes[layout.labelsOffset..<layout.total]), file: file)
        let features = [Float](unsafeUninitializedCapacity: layout.cells) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[headerLength..<layout.labelsOffset]))
            initialized = layout.cells
        }
        #if _endian(big)
        let host = features.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #else
        let host = features
        #endif
        return tail.dataset(layout, features: FeatureMatrix(host))
    }

    /// The dataset in a mapped canonical file, its feature matrix used in place: only the labels,
    /// ids and groups are read and decoded (with every rule of `decode` checked), so opening a
    /// dataset of any size costs memory in proportion to its rows, not its features.
    /// - Throws: `DatasetError` `unknown-format` or `malformed`, naming the file.
    public static func open(_ file: MappedFile) throws(DatasetError) -> Dataset {
        let bytes = file.bytes
        let layout = try CanonicalLayout(header: bytes, byteCount: bytes.count, file: file.path)
        let tail = try readTail(layout, UnsafeRawBufferPointer(rebasing: bytes[layout.labelsOffset..<layout.total]), file: file.path)
        return tail.dataset(layout, features: FeatureMatrix(mapping: file, offset: headerLength, count: layout.cells))
    }

    /// Maps the canonical file at `path` and opens it (`open(_:)`).
    public static func open(path: String) throws(DatasetError) -> Dataset {
        try open(MappedFile(path: path))
    }

    /// What follows the matrix, decoded: the labels, the concepts, the ids and the groups.
    struct Tail {
        let labels: [UInt8]
        let concepts: [String]
        let ids: [String]
        let groups: [String]?

        func dataset(_ layout: CanonicalLayout, features: FeatureMatrix) -> Dataset {
            Dataset(featureCount: layout.featureCount, features: features, concepts: concepts, labels: labels,
                    ids: ids, groups: groups, isMultiLabel: layout.isMultiLabel)
        }
    }

    /// Checks and reads what follows the matrix: the labels, the padding and the strings.
    static func readTail(_ layout: CanonicalLayout, _ tail: UnsafeRawBufferPointer, file: String) throws(DatasetError) -> Tail {
        let labelsLength = layout.labelsEnd - layout.labelsOffset
        let labels = [UInt8](tail[0..<labelsLength])
        if let bad = labels.firstIndex(where: { $0 > 1 }) {
            throw damaged("concept matrix cell (row \(bad / layout.conceptCount), concept \(bad % layout.conceptCount)) "
                + "is \(labels[bad]), not 0 or 1", file: file)
        }
        let stringsStart = layout.stringsOffset - layout.labelsOffset
        guard tail[labelsLength..<stringsStart].allSatisfy({ $0 == 0 }) else {
            throw damaged("padding bytes are not zero", file: file)
        }
        var strings = StringReader(bytes: UnsafeRawBufferPointer(rebasing: tail[stringsStart...]), file: file)
        let concepts = try strings.read(layout.conceptCount, what: "concept id")
        for (index, concept) in concepts.enumerated() {
            guard !concept.isEmpty else { throw damaged("concept id \(index) is empty", file: file) }
            guard index == 0 || concepts[index - 1].utf8.lexicographicallyPrecedes(concept.utf8) else {
                throw damaged("concept ids are not unique and in canonical order (at concept \(index))", file: file)
            }
        }
        let ids = try strings.read(layout.rows, what: "row id")
        let groups = layout.hasGroups ? try strings.read(layout.rows, what: "group") : nil
        guard strings.isAtEnd else { throw damaged("the string section has bytes after its last string", file: file) }
        return Tail(labels: labels, concepts: concepts, ids: ids, groups: groups)
    }

    static func damaged(_ message: String, file: String) -> DatasetError {
        DatasetError(.malformed, file: file, "damaged canonical dataset: \(message)",
                     fix: "Fetch or re-create the file (crossfold dataset import writes one from a CSV, JSONL or NPY file).")
    }

    /// Length-prefixed UTF-8 strings, read with every length checked against what is left.
    private struct StringReader {
        let bytes: UnsafeRawBufferPointer
        let file: String
        var position = 0

        init(bytes: UnsafeRawBufferPointer, file: String) {
            self.bytes = bytes
            self.file = file
        }

        var isAtEnd: Bool { position == bytes.count }

        mutating func read(_ count: Int, what: String) throws(DatasetError) -> [String] {
            var strings: [String] = []
            strings.reserveCapacity(count)
            for index in 0..<count {
                guard bytes.count - position >= 4 else {
                    throw damaged("the string section ends inside \(what) \(index)", file: file)
                }
                let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
                position += 4
                guard length <= bytes.count - position else {
                    throw damaged("\(what) \(index) claims \(length) bytes but only \(bytes.count - position) remain", file: file)
                }
                let utf8 = UnsafeRawBufferPointer(rebasing: bytes[position..<position + length])
                guard let text = String(validating: utf8.assumingMemoryBound(to: UInt8.self), as: UTF8.self) else {
                    throw damaged("\(what) \(index) is not valid UTF-8", file: file)
                }
                strings.append(text)
                position += length
            }
            return strings
        }
    }
}
