import Datasets
import Testing

@Suite struct DatasetReaderTests {
    @Test func picksTheFormatByExtension() {
        #expect(DatasetFormat(path: "a/b.CSV") == .csv)
        #expect(DatasetFormat(path: "b.jsonl") == .jsonl)
        #expect(DatasetFormat(path: "b.ndjson") == .jsonl)
        #expect(DatasetFormat(path: "x.y/b.npy") == .npy)
        #expect(DatasetFormat(path: "b.cfds") == .canonical)
        #expect(DatasetFormat(path: "b.json") == nil)
        #expect(DatasetFormat(path: "csv") == nil)
        #expect(DatasetFormat(path: "dir.csv/file") == nil)
    }

    @Test func refusesAnUnknownExtension() {
        #expect(loadError("data.parquet")?.description == "data.parquet: the file's extension names no dataset format crossfold reads "
            + "(rule unknown-format). Use .csv, .jsonl (or .ndjson), .npy with a labels file, or .cfds.")
    }

    @Test func missingFileSaysSo() throws {
        let scratch = try Scratch()
        let path = scratch.path("nope.csv")
        #expect(loadError(path)?.description == "\(path): cannot open the file: No such file or directory (rule unreadable-file). "
            + "Check the path; the file does not exist.")
    }

    @Test func directoryIsNotADataset() throws {
        let scratch = try Scratch()
        let path = scratch.path("dir.csv")
        try FileManagerShim.makeDirectory(path)
        #expect(loadError(path)?.message == "is not a regular file")
    }

    @Test func canonicalFileWithAnotherFormatsContentIsRefused() throws {
        let scratch = try Scratch()
        let path = try scratch.write("d.cfds", exclusiveCSV())
        #expect(loadError(path)?.rule == .unknownFormat)
    }
}
