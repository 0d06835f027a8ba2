import Datasets
import Testing

/// A small dataset with every part of the format: ids, groups, non-ASCII strings, negative zero.
func sampleDataset(multiLabel: Bool = true, groups: Bool = true) -> Dataset {
    Dataset(featureCount: 3,
            features: [0.5, -0.0, 1e-30, 3, 4.25, -7, 0.1, 8, 9],
            concepts: ["cat", "dog", "é"],
            labels: multiLabel ? [1, 1, 0, 0, 0, 0, 0, 0, 1] : [1, 0, 0, 0, 1, 0, 0, 0, 1],
            ids: ["a", "b,c", "ü"],
            groups: groups ? ["g1", "g1", "g2"] : nil,
            isMultiLabel: multiLabel)
}

@Suite struct CanonicalDatasetTests {
    private func decodeError(_ bytes: [UInt8]) -> DatasetError? {
        do {
            _ = try CanonicalDataset.decode(bytes, file: "peer")
            return nil
        } catch {
            return error
        }
    }

    @Test func roundTripsEveryField() throws {
        for dataset in [sampleDataset(), sampleDataset(multiLabel: false, groups: false)] {
            let bytes = CanonicalDataset.encode(dataset)
            let back = try CanonicalDataset.decode(bytes, file: "x.cfds")
            #expect(back == dataset)
            #expect(back.features.map(\.bitPattern) == dataset.features.map(\.bitPattern))
            #expect(CanonicalDataset.encode(back) == bytes)
            #expect(CanonicalDataset.encodedLength(of: dataset) == bytes.count)
            let framed = [0xAA] + bytes + [0xBB]
            #expect(try CanonicalDataset.decode(framed[1..<framed.count - 1], file: "frame") == dataset, "a slice of a larger buffer")
        }
    }

    @Test func laysOutTheHeaderAndArraysAsDocumented() {
        let bytes = CanonicalDataset.encode(sampleDataset())
        #expect(Array(bytes[0..<8]) == [0x89, 0x43, 0x46, 0x44, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(bytes[8..<16]) == [1, 0, 0, 0, 3, 0, 0, 0], "version 1, flags multi-label | groups")
        #expect(Array(bytes[16..<40]) == [3, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[64..<68]) == [0, 0, 0, 0x3F], "0.5 as little-endian Float32")
        let labelsOffset = 64 + 4 * 9
        #expect(Array(bytes[labelsOffset..<labelsOffset + 9]) == [1, 1, 0, 0, 0, 0, 0, 0, 1])
        let stringsOffset = 112  // 100 + 9 = 109, padded to a multiple of 8
        #expect(Array(bytes[109..<112]) == [0, 0, 0])
        #expect(Array(bytes[stringsOffset..<stringsOffset + 7]) == [3, 0, 0, 0, 0x63, 0x61, 0x74], "\"cat\"")
        let stringsLength = Int(bytes[40]) | Int(bytes[41]) << 8
        #expect(bytes.count == stringsOffset + stringsLength)
    }

    @Test func hashesLikeSHA256OfTheEncodedBytes() {
        let dataset = sampleDataset()
        #expect(CanonicalDataset.sha256(of: dataset) == SHA256Hasher.hash(CanonicalDataset.encode(dataset)))
        #expect(SHA256Hasher.hash(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hasher.hash([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var streamed = SHA256Hasher()
        streamed.update(Array("a".utf8))
        streamed.update(Array("bc".utf8))
        #expect(streamed.finalize() == SHA256Hasher.hash(Array("abc".utf8)))
        #expect(SHA256Hasher.hash("xabcx".utf8.dropFirst().dropLast()) == SHA256Hasher.hash(Array("abc".utf8)))
    }

    @Test func hashChangesWithAnyContent() {
        let base = sampleDataset()
        let hashes = Set([
            base,
            sampleDataset(multiLabel: false),
            sampleDataset(groups: false),
            Dataset(featureCount: 3, features: base.features.map { $0 + 1 }, concepts: base.concepts, labels: base.labels,
                    ids: base.ids, groups: base.groups, isMultiLabel: true),
            Dataset(featureCount: 3, features: base.features, concepts: base.concepts, labels: base.labels,
                    ids: ["a", "b,c", "u"], groups: base.groups, isMultiLabel: true),
        ].map(CanonicalDataset.sha256(of:)))
        #expect(hashes.count == 5)
    }

    @Test func writesAFileThatLoadsBack() throws {
        let scratch = try Scratch()
        let path = scratch.path("d.cfds")
        try CanonicalDataset.write(sampleDataset(), to: path)
        #expect(try DatasetReader.load(path: path) == sampleDataset())
        #expect(throws: DatasetError.self) {
            try CanonicalDataset.write(sampleDataset(), to: scratch.path("missing/d.cfds"))
        }
        do {
            try CanonicalDataset.write(sampleDataset(), to: scratch.path("missing/d.cfds"))
        } catch {
            #expect(error.rule == .unwritable)
            #expect(error.file == scratch.path("missing/d.cfds"))
            #expect(error.message == "cannot create a temporary file beside it: No such file or directory")
        }
    }

    @Test func rejectsDamagedFilesLikeDamagedBytes() throws {
        let scratch = try Scratch()
        let bytes = CanonicalDataset.encode(sampleDataset())
        for length in [0, 10, 63, 64, 100, bytes.count - 1] {
            let path = try scratch.write("cut\(length).cfds", bytes: Array(bytes.prefix(length)))
            let error = loadError(path)
            #expect(error?.rule == .malformed, "a \(length)-byte file")
            #expect(error?.file == path)
        }
        var label = bytes
        label[104] = 7
        let path = try scratch.write("label.cfds", bytes: label)
        #expect(loadError(path)?.message == "damaged canonical dataset: concept matrix cell (row 1, concept 1) is 7, not 0 or 1")
    }

    @Test func rejectsEveryTruncation() {
        let bytes = CanonicalDataset.encode(sampleDataset())
        for length in 0..<bytes.count {
            let error = decodeError(Array(bytes.prefix(length)))
            #expect(error != nil, "a prefix of \(length) bytes must not decode")
        }
        #expect(decodeError(Array(bytes.prefix(20)))?.description == "peer: damaged canonical dataset: 20 bytes, shorter than "
            + "the 64-byte header (rule malformed). Fetch or re-create the file (crossfold dataset import writes one from a CSV, JSONL or NPY file).")
        #expect(decodeError(Array(bytes.dropLast()))?.message
            == "damaged canonical dataset: the header describes \(bytes.count) bytes but there are only \(bytes.count - 1) (truncated)")
        #expect(decodeError(bytes + [0])?.message
            == "damaged canonical dataset: the header describes \(bytes.count) bytes but there are \(bytes.count + 1) (trailing bytes)")
    }

    @Test func rejectsOrDecodesEverySingleByteCorruptionWithoutCrashing() {
        let bytes = CanonicalDataset.encode(sampleDataset())
        for offset in bytes.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = bytes
                damaged[offset] ^= flip
                if let dataset = try? CanonicalDataset.decode(damaged, file: "peer") {
                    // Only feature bits and string contents can change without breaking a rule, and then
                    // the bytes still round-trip exactly.
                    #expect(CanonicalDataset.encode(dataset) == damaged)
                }
            }
        }
    }

    @Test func rejectsHeadersThatPromiseTooMuch() {
        var bytes = CanonicalDataset.encode(sampleDataset())
        for offset in [16, 24, 32, 40] {
            var damaged = bytes
            for i in 0..<8 { damaged[offset + i] = 0xFF }
            #expect(decodeError(damaged)?.rule == .malformed)
            for i in 0..<8 { damaged[offset + i] = i == 7 ? 0x7F : 0xFF }
            #expect(decodeError(damaged)?.rule == .malformed)
        }
        // A dataset of 2^61 rows and no features or concepts would need 2^63 bytes of strings.
        for i in 0..<8 { bytes[16 + i] = i == 7 ? 0x20 : 0 }
        for i in 24..<40 { bytes[i] = 0 }
        #expect(decodeError(bytes)?.rule == .malformed)
    }

    @Test func namesEachBrokenRule() {
        let bytes = CanonicalDataset.encode(sampleDataset())
        var magic = bytes
        magic[1] = 0x58
        #expect(decodeError(magic)?.rule == .unknownFormat)
        var version = bytes
        version[8] = 2
        #expect(decodeError(version)?.message == "canonical format version 2, while this crossfold reads version 1")
        var flags = bytes
        flags[12] = 4 | 3
        #expect(decodeError(flags)?.message == "damaged canonical dataset: unknown flags 7")
        var reserved = bytes
        reserved[50] = 1
        #expect(decodeError(reserved)?.message == "damaged canonical dataset: reserved header bytes are not zero")
        var label = bytes
        label[100 + 4] = 2
        #expect(decodeError(label)?.message == "damaged canonical dataset: concept matrix cell (row 1, concept 1) is 2, not 0 or 1")
        var padding = bytes
        padding[110] = 1
        #expect(decodeError(padding)?.message == "damaged canonical dataset: padding bytes are not zero")
        var order = bytes
        order[112 + 4] = 0x65  // "cat" becomes "eat", after "dog"
        #expect(decodeError(order)?.message == "damaged canonical dataset: concept ids are not unique and in canonical order (at concept 1)")
        var utf8 = bytes
        utf8[112 + 4] = 0xFF
        #expect(decodeError(utf8)?.message == "damaged canonical dataset: concept id 0 is not valid UTF-8")
        var length = bytes
        length[112] = 200
        #expect(decodeError(length)?.message.hasPrefix("damaged canonical dataset: concept id 0 claims 200 bytes") == true)
    }
}
