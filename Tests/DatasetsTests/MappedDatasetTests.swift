import Datasets
import Foundation
import Testing

/// A canonical file is mapped and its features used in place; what must be checked is checked.
@Suite struct MappedDatasetTests {
    private func sample() -> Dataset {
        Dataset(featureCount: 2, features: [1, 2, 3, 4, 5, 6], concepts: ["a", "b"], labels: [1, 0, 0, 1, 1, 0],
                ids: ["x", "y", "z"], isMultiLabel: false)
    }

    @Test func aMappedDatasetEqualsTheOneItWasWrittenFrom() throws {
        let scratch = try Scratch()
        let path = scratch.path("d.cfds")
        let hash = try CanonicalDataset.write(sample(), to: path)
        let mapped = try CanonicalDataset.open(path: path)
        #expect(mapped == sample())
        #expect(mapped.features.mappedFile?.path == path)
        #expect(mapped.features[5] == 6)
        #expect(mapped.features.array == [1, 2, 3, 4, 5, 6])
        #expect(hash == CanonicalDataset.sha256(of: sample()))
        #expect(CanonicalDataset.sha256(of: mapped) == hash)
    }

    @Test func theFeaturesOutliveTheFileName() throws {
        let scratch = try Scratch()
        let path = scratch.path("d.cfds")
        try CanonicalDataset.write(sample(), to: path)
        let mapped = try CanonicalDataset.open(path: path)
        try FileManager.default.removeItem(atPath: path)
        #expect(mapped.features.array == [1, 2, 3, 4, 5, 6])
    }

    @Test func aCanonicalInputWithANaNIsRefusedNamingTheRow() throws {
        let scratch = try Scratch()
        let bad = Dataset(featureCount: 2, features: [1, 2, 3, .nan, 5, 6], concepts: ["a", "b"],
                          labels: [1, 0, 0, 1, 1, 0], ids: ["x", "y", "z"], isMultiLabel: false)
        let path = scratch.path("bad.cfds")
        try CanonicalDataset.write(bad, to: path)
        #expect {
            _ = try DatasetFile.open(path, scratchDirectory: scratch.directory)
        } throws: { error in
            guard let error = error as? DatasetError else { return false }
            return error.rule == .nonFinite && error.message.contains("row 1 (id \"y\"), feature 1")
        }
    }

    @Test func anImportThatFailsLeavesNoFileBehind() throws {
        let scratch = try Scratch()
        let csv = try scratch.write("d.csv", "label,f\na,1\nb,oops\n")
        let output = scratch.path("d.cfds")
        #expect(throws: DatasetError.self) { try DatasetImport.write(csv, labels: nil, to: output) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.directory) == ["d.csv"])
    }

    @Test func anUnwritableScratchDirectorySaysWhatToDo() throws {
        let scratch = try Scratch()
        let csv = try scratch.write("d.csv", "label,f\na,1\nb,2\n")
        #expect {
            _ = try DatasetFile.open(csv, scratchDirectory: scratch.path("missing"))
        } throws: { error in
            guard let error = error as? DatasetError else { return false }
            return error.rule == .unwritable && error.file == csv && error.fix.contains("--scratch-dir")
        }
    }

    /// A .cfds file opened again unchanged is not hashed again: the record of its first opening
    /// (kept in a directory of its own) vouches for it until the file changes.
    @Test func anUnchangedCanonicalFileIsHashedOnce() throws {
        let scratch = try Scratch()
        let path = scratch.path("d.cfds")
        // Valid for an evaluation: 2 concepts with 10 inputs each.
        func dataset(_ shift: Float) -> Dataset {
            Dataset(featureCount: 1, features: (0..<20).map { Float($0) + shift }, concepts: ["a", "b"],
                    labels: (0..<20).flatMap { $0 % 2 == 0 ? [UInt8(1), 0] : [0, 1] }, ids: (0..<20).map { "r\($0)" },
                    isMultiLabel: false)
        }
        try CanonicalDataset.write(dataset(0), to: path)
        let known = scratch.path("known")
        let first = try DatasetFile.open(path, scratchDirectory: scratch.directory, knownHashes: known)
        #expect(first.sha256 == CanonicalDataset.sha256(of: dataset(0)))
        #expect(VerifiedFileRecord.Elsewhere.hash(of: path, in: known) == first.sha256)
        // The second opening takes the hash from the record (a doctored one shows it is used).
        let doctored = String(repeating: "e", count: 64)
        VerifiedFileRecord.Elsewhere.write(for: path, sha256: doctored, in: known)
        #expect(try DatasetFile.open(path, scratchDirectory: scratch.directory, knownHashes: known).sha256 == doctored)
        // Any write to the file changes its identity: it is hashed again.
        let other = dataset(0.5)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(CanonicalDataset.encode(other)))
        try handle.close()
        #expect(try DatasetFile.open(path, scratchDirectory: scratch.directory, knownHashes: known).sha256
                    == CanonicalDataset.sha256(of: other))
    }
}
