import Datasets
import Foundation
import Testing
import TestSupport

/// The same content written as CSV, JSONL, NPY (float32 and float64) and the canonical form must
/// load to the same `Dataset` and the same hash: the hash names the content, not the file.
@Suite struct CrossFormatHashTests {
    private struct Content {
        let features: [[Float]]
        let labels: [[String]]
        let ids: [String]
        let groups: [String]
    }

    private func content(rows: Int, multiLabel: Bool) -> Content {
        var generator = FuzzRandom(seed: 7)
        let concepts = ["cat", "dog", "bird", "ünïcode"]
        var features: [[Float]] = []
        var labels: [[String]] = []
        for row in 0..<rows {
            features.append((0..<4).map { _ in
                // Mixed magnitudes, so the text forms need up to 9 significant digits and exponents.
                Float(bitPattern: UInt32(truncatingIfNeeded: generator.next() % 0x3F00_0000 + 0x2000_0000))
                    * (generator.next() % 2 == 0 ? 1 : -1)
            })
            if multiLabel {
                labels.append(row % 5 == 0 ? [] : concepts.filter { _ in generator.next() % 2 == 0 })
            } else {
                labels.append([concepts[row % concepts.count]])
            }
        }
        return Content(features: features, labels: labels, ids: (0..<rows).map { "in-\($0)" },
                       groups: (0..<rows).map { "g\($0 % 3)" })
    }

    private func writeAll(_ content: Content, multiLabel: Bool, in scratch: Scratch) throws -> [String] {
        let rows = content.ids.count
        var csv = ["id,group,f0,f1,f2,f3," + (multiLabel ? "labels" : "label")]
        for r in 0..<rows {
            let cells = [content.ids[r], content.groups[r]] + content.features[r].map { "\($0)" }
                + [content.labels[r].joined(separator: "|")]
            csv.append(cells.joined(separator: ","))
        }
        var jsonl: [String] = []
        for r in 0..<rows {
            // An explicit negative on each input: it changes nothing where the concept is a column anyway.
            let negative = multiLabel || content.labels[r] == ["cat"] ? [] : ["{\"id\":\"cat\",\"value\":0}"]
            let concepts = content.labels[r].map { "{\"id\":\"\($0)\",\"value\":1}" } + negative
            let vector = content.features[r].map { "\(Double($0))" }.joined(separator: ",")
            jsonl.append("{\"id\":\"\(content.ids[r])\",\"group\":\"\(content.groups[r])\",\"data\":{\"concepts\":["
                + concepts.joined(separator: ",") + "],\"embeddings\":[{\"vector\":[\(vector)]}]}}")
        }
        let flat = content.features.flatMap { $0 }
        let shape = "(\(rows), 4)"
        var paths = [
            try scratch.write("d.csv", csv.joined(separator: "\n") + "\n"),
            try scratch.write("d.jsonl", jsonl.joined(separator: "\n") + "\n"),
            try scratch.write("f32.npy", bytes: NPYBytes.file(shape: shape, data: NPYBytes.float32(flat))),
            try scratch.write("f64.npy", bytes: NPYBytes.file(descr: "<f8", shape: shape, data: NPYBytes.float64(flat.map(Double.init)))),
        ]
        for stem in ["f32", "f64"] {
            try scratch.write("\(stem).labels.txt", content.labels.map { $0.joined(separator: "|") }.joined(separator: "\n") + "\n")
            try scratch.write("\(stem).ids.txt", content.ids.joined(separator: "\n") + "\n")
            try scratch.write("\(stem).groups.txt", content.groups.joined(separator: "\n"))
        }
        let canonical = scratch.path("d.cfds")
        try CanonicalDataset.write(try DatasetReader.load(path: paths[0]), to: canonical)
        paths.append(canonical)
        return paths
    }

    @Test(arguments: [false, true])
    func everyFormatGivesTheSameDatasetAndHash(multiLabel: Bool) throws {
        let scratch = try Scratch()
        let content = content(rows: 60, multiLabel: multiLabel)
        let paths = try writeAll(content, multiLabel: multiLabel, in: scratch)
        let datasets = try paths.map { try DatasetReader.load(path: $0) }
        let hashes = datasets.map(CanonicalDataset.sha256(of:))
        #expect(Set(hashes).count == 1, "hashes by file: \(zip(paths.map { $0.split(separator: "/").last! }, hashes).map { "\($0) \($1)" })")
        for dataset in datasets.dropFirst() { #expect(dataset == datasets[0]) }

        let dataset = datasets[0]
        #expect(dataset.isMultiLabel == multiLabel)
        #expect(dataset.concepts == ["bird", "cat", "dog", "ünïcode"])
        #expect(dataset.features.array == content.features.flatMap { $0 })
        #expect(dataset.ids == content.ids)
        #expect(dataset.groups == content.groups)
        for row in 0..<dataset.rowCount {
            let positives = dataset.concepts.indices.filter { dataset.isPositive(row: row, concept: $0) }.map { dataset.concepts[$0] }
            #expect(positives.sorted() == content.labels[row].sorted())
        }
    }

    /// Imports stream every format to a canonical file on disk (hashed while written for NPY, read
    /// back once for CSV and JSONL): the file is byte for byte the in-memory encoding, and the hash
    /// the import reports is the file's.
    @Test(arguments: [false, true])
    func streamingImportsWriteTheCanonicalBytes(multiLabel: Bool) throws {
        let scratch = try Scratch()
        let content = content(rows: 60, multiLabel: multiLabel)
        let paths = try writeAll(content, multiLabel: multiLabel, in: scratch)
        let expected = CanonicalDataset.encode(try DatasetReader.load(path: paths[0]))
        for (index, source) in paths.dropLast().enumerated() {
            let output = scratch.path("imported-\(index).cfds")
            let written = try DatasetImport.write(source, labels: nil, to: output)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
            #expect(bytes == expected, "\(source)")
            #expect(written.sha256 == SHA256Hasher.hash(expected) && written.size == expected.count, "\(source)")
        }
    }

    /// `DatasetFile.open` gives every format the same mapped dataset and hash, and leaves no scratch
    /// file behind.
    @Test func openingAnyFormatMapsTheSameDataset() throws {
        let scratch = try Scratch()
        let content = content(rows: 60, multiLabel: true)
        let paths = try writeAll(content, multiLabel: true, in: scratch)
        let reference = try DatasetReader.load(path: paths[0])
        let work = scratch.path("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        for path in paths {
            let opened = try DatasetFile.open(path, scratchDirectory: work)
            #expect(opened.dataset == reference, "\(path)")
            #expect(opened.sha256 == CanonicalDataset.sha256(of: reference), "\(path)")
            #expect(opened.dataset.features.mappedFile != nil, "\(path): the features should be mapped")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: work).isEmpty)
    }
}
