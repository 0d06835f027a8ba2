import Datasets
import Testing

@Suite struct NPYReaderTests {
    private let values: [Float] = [0.5, -1, 2.25, 3, 1e-3, 7]

    @Test func readsFloat32WithLabelsFileBeside() throws {
        let scratch = try Scratch()
        let path = try scratch.write("x.npy", bytes: NPYBytes.file(shape: "(3, 2)", data: NPYBytes.float32(values)))
        try scratch.write("x.labels.txt", "dog\ncat\ndog\n")
        let dataset = try DatasetReader.load(path: path)
        #expect(dataset.featureCount == 2)
        #expect(dataset.features.array == values)
        #expect(dataset.concepts == ["cat", "dog"])
        #expect(dataset.labels == [0, 1, 1, 0, 0, 1])
        #expect(dataset.ids == ["0", "1", "2"])
        #expect(!dataset.isMultiLabel)
    }

    @Test func readsFloat64RoundingToNearestFloat32() throws {
        let scratch = try Scratch()
        let doubles: [Double] = [0.1, -1, 1 + 1e-12, 3, 1e-3, 7]
        let path = try scratch.write("x.npy", bytes: NPYBytes.file(descr: "<f8", shape: "(3, 2)", data: NPYBytes.float64(doubles)))
        try scratch.write("x.labels.txt", "a\nb\na")
        let dataset = try DatasetReader.load(path: path)
        #expect(dataset.features.array == doubles.map { Float($0) })
    }

    @Test func readsVersion2HeadersAndPython2LongShapes() throws {
        let scratch = try Scratch()
        let v2 = try scratch.write("a.npy", bytes: NPYBytes.file(shape: "(3, 2)", data: NPYBytes.float32(values), version: 2))
        try scratch.write("a.labels.txt", "a\nb\na\n")
        #expect(try DatasetReader.load(path: v2).features.array == values)
        let long = try scratch.write("b.npy", bytes: NPYBytes.file(shape: "(3L, 2L)", data: NPYBytes.float32(values)))
        try scratch.write("b.labels.txt", "a\nb\na\n")
        #expect(try DatasetReader.load(path: long).rowCount == 3)
    }

    @Test func readsMultiLabelIdsGroupsAndANamedLabelsFile() throws {
        let scratch = try Scratch()
        let path = try scratch.write("x.npy", bytes: NPYBytes.file(shape: "(3, 2)", data: NPYBytes.float32(values)))
        let labels = try scratch.write("tags.txt", "cat|dog\r\n\r\n dog \r\n")
        try scratch.write("x.ids.txt", "r1\nr2\nr3\n")
        try scratch.write("x.groups.txt", "g1\ng1\ng2\n")
        let dataset = try DatasetReader.load(path: path, labelsPath: labels)
        #expect(dataset.isMultiLabel)
        #expect(dataset.labels == [1, 1, 0, 0, 0, 1])
        #expect(dataset.ids == ["r1", "r2", "r3"])
        #expect(dataset.groups == ["g1", "g1", "g2"])
    }
}

@Suite struct NPYErrorTests {
    private func loading(_ header: [UInt8], labels: String? = "a\nb\na\n") throws -> (String, DatasetError?) {
        let scratch = try Scratch()
        let path = try scratch.write("x.npy", bytes: header)
        if let labels { try scratch.write("x.labels.txt", labels) }
        return (path, loadError(path))
    }

    private let six = NPYBytes.float32([1, 2, 3, 4, 5, 6])

    @Test func fortranOrderIsRefusedWithTheFix() throws {
        let (path, error) = try loading(NPYBytes.file(fortranOrder: true, shape: "(3, 2)", data: six))
        #expect(error?.description == "\(path): the matrix is stored in Fortran (column-major) order (rule malformed). "
            + "Save it in C order: numpy.save(path, numpy.ascontiguousarray(x)).")
    }

    @Test func bigEndianIsRefusedWithTheFix() throws {
        let (path, error) = try loading(NPYBytes.file(descr: ">f4", shape: "(3, 2)", data: NPYBytes.float32BigEndian([1, 2, 3, 4, 5, 6])))
        #expect(error?.description == "\(path): the matrix is big-endian (>f4) (rule malformed). "
            + "Save it little-endian: numpy.save(path, x.astype('<f4')).")
    }

    @Test func otherDtypesAreRefusedWithTheFix() throws {
        let (path, error) = try loading(NPYBytes.file(descr: "<i8", shape: "(3, 1)", data: [UInt8](repeating: 0, count: 24)))
        #expect(error?.description == "\(path): the matrix has dtype <i8; crossfold reads float32 or float64 (rule malformed). "
            + "Convert it first: numpy.save(path, x.astype(numpy.float32)).")
        let (_, half) = try loading(NPYBytes.file(descr: "<f2", shape: "(3, 1)", data: [UInt8](repeating: 0, count: 6)))
        #expect(half?.message == "the matrix has dtype <f2; crossfold reads float32 or float64")
    }

    @Test func structuredDtypeIsRefused() throws {
        let scratch = try Scratch()
        var bytes = NPYBytes.file(shape: "(3,)", data: [UInt8](repeating: 0, count: 24))
        let text = "{'descr': [('a', '<f4'), ('b', '<f4')], 'fortran_order': False, 'shape': (3,), }"
        let padded = Array(text.utf8) + [UInt8](repeating: 0x20, count: 118 - text.utf8.count - 1) + [0x0A]
        bytes.replaceSubrange(10..<128, with: padded)
        let path = try scratch.write("x.npy", bytes: bytes)
        #expect(loadError(path)?.message == "the matrix has a structured dtype")
    }

    @Test func oneDimensionalMatrixIsRefusedWithTheFix() throws {
        let (path, error) = try loading(NPYBytes.file(shape: "(6,)", data: six))
        #expect(error?.description == "\(path): the matrix has shape (6,); crossfold needs 2 dimensions (rows, features) "
            + "(rule malformed). Save one row per input: numpy.save(path, x.reshape(len(x), -1)).")
        let (_, three) = try loading(NPYBytes.file(shape: "(1, 3, 2)", data: six))
        #expect(three?.message == "the matrix has shape (1, 3, 2); crossfold needs 2 dimensions (rows, features)")
    }

    @Test func truncatedAndOverlongDataAreRefused() throws {
        let (path, short) = try loading(NPYBytes.file(shape: "(3, 2)", data: Array(six.dropLast(4))))
        #expect(short?.description == "\(path): the header promises a 3 × 2 float32 matrix but the file holds only 20 bytes of it "
            + "(rule malformed). The file is truncated or damaged; save or copy it again.")
        let (_, long) = try loading(NPYBytes.file(shape: "(3, 2)", data: six + [0, 0]))
        #expect(long?.message == "the file has 2 bytes after a 3 × 2 float32 matrix")
        let (_, huge) = try loading(NPYBytes.file(shape: "(9223372036854775807, 2)", data: six))
        #expect(huge?.rule == .malformed)
    }

    @Test func truncatedHeaderAndWrongMagicAreRefused() throws {
        let whole = NPYBytes.file(shape: "(3, 2)", data: six)
        let (path, cut) = try loading(Array(whole.prefix(40)))
        #expect(cut?.description == "\(path): the file ends inside the NPY header (rule malformed). The file is truncated; save or copy it again.")
        let (_, magic) = try loading(Array("f0,label\n".utf8))
        #expect(magic?.rule == .unknownFormat)
        #expect(magic?.message == "the file does not start like a NumPy .npy file")
        let (_, garbage) = try loading(Array(whole.prefix(10)) + Array("{'descr' '<f4'}".utf8) + [UInt8](repeating: 0x20, count: 103))
        #expect(garbage?.message == "invalid NPY header: the header is not the Python dict numpy writes")
    }

    @Test func nanNamesRowAndColumn() throws {
        let (path, error) = try loading(NPYBytes.file(shape: "(3, 2)", data: NPYBytes.float32([1, 2, 3, .nan, 5, 6])))
        #expect(error?.description == "\(path): row 1, column 1 (counted from 0) is NaN, not a finite number (rule non-finite-value). "
            + "Replace NaN and infinite values (impute them or drop the rows) before loading.")
    }

    @Test func missingLabelsFileSaysWhereItBelongs() throws {
        let (path, error) = try loading(NPYBytes.file(shape: "(3, 2)", data: six), labels: nil)
        let labels = String(path.dropLast(4)) + ".labels.txt"
        #expect(error?.description == "\(labels): the labels file of x.npy does not exist (rule unreadable-file). "
            + "Write the labels beside the matrix, one line of |-separated concept ids per row, or name the labels file.")
    }

    @Test func labelsFileWithTheWrongLineCountIsRefused() throws {
        let (path, error) = try loading(NPYBytes.file(shape: "(3, 2)", data: six), labels: "a\nb\n")
        let labels = String(path.dropLast(4)) + ".labels.txt"
        #expect(error?.description == "\(labels): has 2 lines but x.npy has 3 rows (rule malformed). "
            + "Write one line per matrix row: its concept ids separated by |, or nothing for no concept.")
    }

    @Test func duplicateIdsInTheIdsFileNameBothLines() throws {
        let scratch = try Scratch()
        let path = try scratch.write("x.npy", bytes: NPYBytes.file(shape: "(3, 2)", data: six))
        try scratch.write("x.labels.txt", "a\nb\na\n")
        let ids = try scratch.write("x.ids.txt", "p\nq\np\n")
        #expect(loadError(path)?.description == "\(ids):3: id \"p\" is already used on line 1 (rule duplicate-id). "
            + "Give every input its own id, or leave ids out to number the rows.")
    }

    @Test func labelsFileOnlyGoesWithNPY() throws {
        let scratch = try Scratch()
        let csv = try scratch.write("d.csv", "f,label\n1,a\n")
        #expect(loadError(csv, labelsPath: "l.txt")?.description == "l.txt: a separate labels file only goes with an .npy matrix "
            + "(rule malformed). Drop the labels file; .csv files carry their own labels.")
    }
}
