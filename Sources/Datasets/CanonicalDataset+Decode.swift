extension CanonicalDataset {
    /// Reads canonical bytes back into a `Dataset`.
    ///
    /// The bytes may come from a network peer: every length and offset is checked against the
    /// buffer before it is used, and only canonical bytes are accepted (known flags, zero reserved
    /// bytes and padding, 0/1 labels, valid UTF-8, concepts in canonical order, nothing after the
    /// end), so decoding then encoding gives back the same bytes and the same hash.
    ///
    /// - Parameter file: the name to put in errors (a path, or where the bytes came from).
    /// - Throws: `DatasetError` with rule `unknown-format` (not a canonical dataset, or a newer
    ///   version) or `malformed` (truncated or damaged).
    public static func decode(_ bytes: [UInt8], file: String) throws(DatasetError) -> Dataset {
        var result: Result<Dataset, DatasetError>!
        bytes.withUnsafeBytes { raw in
            do throws(DatasetError) { result = .success(try decode(raw, file: file)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Reads canonical bytes back into a `Dataset`; see `decode(_:file:)` for the checks.
    public static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws(DatasetError) -> Dataset {
        func damaged(_ message: String) -> DatasetError {
            DatasetError(.malformed, file: file, "damaged canonical dataset: \(message)",
                         fix: "Fetch or re-create the file (crossfold dataset import writes one from a CSV, JSONL or NPY file).")
        }
        guard bytes.count >= headerLength else {
            throw damaged("\(bytes.count) bytes, shorter than the \(headerLength)-byte header")
        }
        guard bytes.prefix(8).elementsEqual(magic) else {
            throw DatasetError(.unknownFormat, file: file, "not a crossfold canonical dataset (the first bytes are not its magic)",
                               fix: "Give a .cfds file written by crossfold, or name the file with its real format's extension.")
        }
        let version = load(UInt32.self, bytes, 8)
        guard version == CanonicalDataset.version else {
            throw DatasetError(.unknownFormat, file: file,
                               "canonical format version \(version), while this crossfold reads version \(CanonicalDataset.version)",
                               fix: "Use the same crossfold version everywhere, or re-create the file with this one.")
        }
        let flags = load(UInt32.self, bytes, 12)
        guard flags & ~(multiLabelFlag | groupsFlag) == 0 else { throw damaged("unknown flags \(flags)") }
        guard bytes[48..<64].allSatisfy({ $0 == 0 }) else { throw damaged("reserved header bytes are not zero") }

        guard let rows = Int(exactly: load(UInt64.self, bytes, 16)),
              let featureCount = Int(exactly: load(UInt64.self, bytes, 24)),
              let conceptCount = Int(exactly: load(UInt64.self, bytes, 32)),
              let stringsLength = Int(exactly: load(UInt64.self, bytes, 40)),
              let cells = multiply(rows, featureCount),
              let featureBytes = multiply(cells, 4),
              let labelsLength = multiply(rows, conceptCount),
              let labelsOffset = add(headerLength, featureBytes),
              let labelsEnd = add(labelsOffset, labelsLength),
              let stringsOffset = add(labelsEnd, (8 - labelsEnd % 8) % 8),
              let total = add(stringsOffset, stringsLength)
        else { throw damaged("the header's sizes are impossibly large") }
        guard total == bytes.count else {
            throw damaged(total > bytes.count
                ? "the header describes \(total) bytes but there are only \(bytes.count) (truncated)"
                : "the header describes \(total) bytes but there are \(bytes.count) (trailing bytes)")
        }

        let features = [Float](unsafeUninitializedCapacity: cells) { buffer, initialized in
            let source = UnsafeRawBufferPointer(rebasing: bytes[headerLength..<labelsOffset])
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            #if _endian(big)
            for i in 0..<cells { buffer[i] = Float(bitPattern: UInt32(littleEndian: buffer[i].bitPattern)) }
            #endif
            initialized = cells
        }
        let labels = [UInt8](bytes[labelsOffset..<labelsEnd])
        if let bad = labels.firstIndex(where: { $0 > 1 }) {
            throw damaged("concept matrix cell (row \(bad / conceptCount), concept \(bad % conceptCount)) is \(labels[bad]), not 0 or 1")
        }
        guard bytes[labelsEnd..<stringsOffset].allSatisfy({ $0 == 0 }) else { throw damaged("padding bytes are not zero") }

        let hasGroups = flags & groupsFlag != 0
        var strings = StringSection(bytes: UnsafeRawBufferPointer(rebasing: bytes[stringsOffset..<total]))
        // Each string takes at least its 4-byte length: bound the counts before reserving storage.
        // Both counts are at most stringsLength / 4 first, so the sum below cannot overflow.
        guard conceptCount <= stringsLength / 4, rows <= stringsLength / 4,
              conceptCount + rows * (hasGroups ? 2 : 1) <= stringsLength / 4 else {
            throw damaged("the string section is too short for \(conceptCount) concepts and \(rows) rows")
        }
        let concepts = try strings.read(conceptCount, what: "concept id", damaged)
        for (index, concept) in concepts.enumerated() {
            guard !concept.isEmpty else { throw damaged("concept id \(index) is empty") }
            guard index == 0 || concepts[index - 1].utf8.lexicographicallyPrecedes(concept.utf8) else {
                throw damaged("concept ids are not unique and in canonical order (at concept \(index))")
            }
        }
        let ids = try strings.read(rows, what: "row id", damaged)
        let groups = hasGroups ? try strings.read(rows, what: "group", damaged) : nil
        guard strings.isAtEnd else { throw damaged("the string section has bytes after its last string") }

        return Dataset(featureCount: featureCount, features: features, concepts: concepts, labels: labels,
                       ids: ids, groups: groups, isMultiLabel: flags & multiLabelFlag != 0)
    }

    private static func load<T: FixedWidthInteger>(_: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    private static func multiply(_ a: Int, _ b: Int) -> Int? {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : product
    }

    private static func add(_ a: Int, _ b: Int) -> Int? {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : sum
    }

    /// Length-prefixed UTF-8 strings, read with every length checked against what is left.
    private struct StringSection {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        var isAtEnd: Bool { position == bytes.count }

        mutating func read(
            _ count: Int, what: String, _ damaged: (String) -> DatasetError
        ) throws(DatasetError) -> [String] {
            var strings: [String] = []
            strings.reserveCapacity(count)
            for index in 0..<count {
                guard bytes.count - position >= 4 else { throw damaged("the string section ends inside \(what) \(index)") }
                let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
                position += 4
                guard length <= bytes.count - position else {
                    throw damaged("\(what) \(index) claims \(length) bytes but only \(bytes.count - position) remain")
                }
                let utf8 = UnsafeRawBufferPointer(rebasing: bytes[position..<position + length])
                guard let text = String(validating: utf8.assumingMemoryBound(to: UInt8.self), as: UTF8.self) else {
                    throw damaged("\(what) \(index) is not valid UTF-8")
                }
                strings.append(text)
                position += length
            }
            return strings
        }
    }
}
