import Datasets
import Testing

@Suite struct CSVReaderTests {
    @Test func readsExclusiveLabelsWithRowIndexIds() throws {
        let scratch = try Scratch()
        let path = try scratch.write("data.csv", "f0,f1,label\n0.5,-1.25,dog\n1e-3,2,cat\n3,4,dog\n")
        let dataset = try DatasetReader.load(path: path)
        #expect(dataset.rowCount == 3)
        #expect(dataset.featureCount == 2)
        #expect(dataset.features == [0.5, -1.25, 0.001, 2, 3, 4])
        #expect(dataset.concepts == ["cat", "dog"])
        #expect(dataset.labels == [0, 1, 1, 0, 0, 1])
        #expect(dataset.ids == ["0", "1", "2"])
        #expect(dataset.groups == nil)
        #expect(!dataset.isMultiLabel)
    }

    @Test func readsIdAndGroupColumnsAnywhereInTheHeader() throws {
        let scratch = try Scratch()
        let path = try scratch.write("data.csv", "label,id,x,group,y\ncat,a,1,g1,2\ndog,b,3,g2,4\n")
        let dataset = try DatasetReader.load(path: path)
        #expect(dataset.ids == ["a", "b"])
        #expect(dataset.groups == ["g1", "g2"])
        #expect(dataset.features == [1, 2, 3, 4])
    }

    @Test func readsMultiLabelRowsWithEmptyMeaningNoConcept() throws {
        let scratch = try Scratch()
        let path = try scratch.write("data.csv", "f,labels\n1,cat|dog\n2,\n3, dog | |fish\n4,cat|cat\n")
        let dataset = try DatasetReader.load(path: path)
        #expect(dataset.isMultiLabel)
        #expect(dataset.concepts == ["cat", "dog", "fish"])
        #expect(dataset.labels == [1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0])
    }

    @Test func labelsColumnIsMultiLabelEvenWithOneConceptPerRow() throws {
        let scratch = try Scratch()
        let dataset = try DatasetReader.load(path: try scratch.write("data.csv", "f,labels\n1,cat\n2,dog\n"))
        #expect(dataset.isMultiLabel)
    }

    @Test func readsQuotedCellsWithCommasQuotesAndNewlines() throws {
        let scratch = try Scratch()
        let text = "id,\"f,0\",label\n\"a,1\",\"2.5\",\"big \"\"cat\"\"\"\n\"multi\nline\",3,\"dog\"\n"
        let dataset = try DatasetReader.load(path: try scratch.write("data.csv", text))
        #expect(dataset.ids == ["a,1", "multi\nline"])
        #expect(dataset.features == [2.5, 3])
        #expect(dataset.concepts == ["big \"cat\"", "dog"])
    }

    @Test func acceptsCRLFByteOrderMarkPaddingAndTrailingBlankLines() throws {
        let scratch = try Scratch()
        let text = "\u{FEFF}f0, f1 ,Label\r\n 1 , 2 ,cat\r\n3,4,dog\r\n\r\n  \n"
        let dataset = try DatasetReader.load(path: try scratch.write("data.csv", text))
        #expect(dataset.features == [1, 2, 3, 4])
        #expect(dataset.concepts == ["cat", "dog"])
        #expect(dataset.rowCount == 2)
    }

    @Test func acceptsALastLineWithoutNewline() throws {
        let scratch = try Scratch()
        let dataset = try DatasetReader.load(path: try scratch.write("data.csv", "f,label\n1,cat\n2,dog"))
        #expect(dataset.rowCount == 2)
    }

    @Test func ordersConceptsByTheirUTF8Bytes() throws {
        let scratch = try Scratch()
        let text = "f,label\n1,b\n2,é\n3,B\n4,a\n5,Z\n6,ab\n"
        let dataset = try DatasetReader.load(path: try scratch.write("data.csv", text))
        #expect(dataset.concepts == ["B", "Z", "a", "ab", "b", "é"])
        #expect(dataset.exclusiveConcept(row: 1) == 5)
    }

    @Test func parsesNumberSpellingsAsStrtofDoes() throws {
        let scratch = try Scratch()
        let text = "a,b,c,d,e,f,label\n+1,.5,1.,-0,1E2,0x1p-2,cat\n"
        let dataset = try DatasetReader.load(path: try scratch.write("data.csv", text))
        #expect(dataset.features == [1, 0.5, 1, 0, 100, 0.25])
        #expect(dataset.features[3].sign == .minus)
    }
}

@Suite struct CSVErrorTests {
    private func error(_ text: String) throws -> (String, DatasetError?) {
        let scratch = try Scratch()
        let path = try scratch.write("data.csv", text)
        return (path, loadError(path))
    }

    @Test func shortRowIsRaggedWithBothCounts() throws {
        let (path, error) = try error("a,b,c,label\n1,2,3,cat\n1,2,cat\n")
        #expect(error?.rule == .raggedRow)
        #expect(error?.line == 3)
        #expect(error?.description == "\(path):3: expected 3 features, found 2 (the header has 4 columns, this line 3) "
            + "(rule ragged-row). Give every row one cell per header column; quote cells that contain commas.")
    }

    @Test func longRowIsRagged() throws {
        let (path, error) = try error("a,b,label\n1,2,cat,4,5\n")
        #expect(error?.description == "\(path):2: expected 2 features, found 4 (the header has 3 columns, this line 5) "
            + "(rule ragged-row). Give every row one cell per header column; quote cells that contain commas.")
    }

    @Test func blankLineInsideTheDataIsRefused() throws {
        let (path, error) = try error("a,label\n1,cat\n\n2,dog\n")
        #expect(error?.description == "\(path):3: expected 1 feature, found an empty line (rule ragged-row). "
            + "Remove the empty line; only the end of the file may have empty lines.")
    }

    @Test func textInAFeatureColumnNamesLineColumnAndCell() throws {
        let (path, error) = try error("f0,f1,label\n1,2,cat\n1,abc,cat\n")
        #expect(error?.rule == .notANumber)
        #expect(error?.description == "\(path):3: column \"f1\" is not a number: \"abc\" (rule not-a-number). "
            + "Feature columns hold numbers only; a column of text must be named id, group, label or labels.")
    }

    @Test func emptyFeatureCellIsNotANumber() throws {
        let (path, error) = try error("f0,f1,label\n1,,cat\n")
        #expect(error?.description == "\(path):2: column \"f1\" is empty (rule not-a-number). "
            + "Fill in missing values or drop the row; every feature needs a number.")
    }

    @Test func numberFollowedByTextIsNotANumber() throws {
        let (_, error) = try error("f0,label\n1.5x,cat\n")
        #expect(error?.message == "column \"f0\" is not a number: \"1.5x\"")
    }

    @Test func nanAndInfinityNameLineAndColumn() throws {
        let (path, nan) = try error("f0,f1,label\n1,2,cat\n1,nan,cat\n")
        #expect(nan?.rule == .nonFinite)
        #expect(nan?.description == "\(path):3: column \"f1\" is NaN, not a finite number (rule non-finite-value). "
            + "Replace NaN and infinite values (impute them or drop the rows) before loading.")
        let (_, infinity) = try error("f0,label\n-inf,cat\n")
        #expect(infinity?.message == "column \"f0\" is -infinity, not a finite number")
        let (_, overflow) = try error("f0,label\n1e39,cat\n")
        #expect(overflow?.message == "column \"f0\" is infinity, not a finite number")
    }

    @Test func duplicateIdNamesBothLines() throws {
        let (path, error) = try error("id,f,label\na,1,cat\nb,2,cat\na,3,dog\n")
        #expect(error?.rule == .duplicateId)
        #expect(error?.description == "\(path):4: id \"a\" is already used on line 2 (rule duplicate-id). "
            + "Give every input its own id, or leave ids out to number the rows.")
    }

    @Test func emptyLabelIsAMissingLabel() throws {
        let (path, error) = try error("f,label\n1,cat\n2,\n")
        #expect(error?.rule == .missingLabel)
        #expect(error?.description == "\(path):3: the label cell is empty (rule missing-label). Give every row one concept id; "
            + "for rows with no concept, use a labels column (concept ids separated by |), where an empty cell means negative for every concept.")
    }

    @Test func headerWithoutLabelColumnIsRefused() throws {
        let (path, error) = try error("f0,f1\n1,2\n")
        #expect(error?.description == "\(path):1: the header has no label or labels column (rule missing-field). "
            + "Add a label column (one concept id per row) or a labels column (concept ids separated by |).")
    }

    @Test func headerWithBothLabelColumnsIsRefused() throws {
        let (_, error) = try error("f,label,labels\n1,cat,cat\n")
        #expect(error?.rule == .malformed)
        #expect(error?.message == "the header has both a \"label\" and a \"labels\" column")
    }

    @Test func headerWithoutFeaturesIsRefused() throws {
        let (_, error) = try error("id,label\na,cat\n")
        #expect(error?.message == "the header has no feature columns")
    }

    @Test func unnamedColumnPointsAtPandasIndex() throws {
        let (path, error) = try error(",f0,label\n0,1,cat\n")
        #expect(error?.description == "\(path):1: column 1 has no name (rule malformed). Name every column. "
            + "pandas writes its index as an unnamed first column: save with to_csv(index=False), or name it id if it holds row ids.")
    }

    @Test func repeatedReservedColumnIsRefused() throws {
        let (_, error) = try error("id,f,ID,label\na,1,b,cat\n")
        #expect(error?.message == "columns \"id\" and \"ID\" are both id columns")
    }

    @Test func unclosedQuoteNamesTheLineItStartsOn() throws {
        let (path, error) = try error("f,label\n1,cat\n2,\"dog\n3,cat\n")
        #expect(error?.description == "\(path):3: a quoted cell starts here and is never closed (rule malformed). "
            + "Close the quote; a quote inside a quoted cell is written twice (\"\").")
    }

    @Test func textAfterAClosingQuoteIsRefused() throws {
        let (_, error) = try error("f,label\n1,\"cat\"s\n")
        #expect(error?.line == 2)
        #expect(error?.message == "text follows the closing quote of a quoted cell")
    }

    @Test func emptyFileIsRefused() throws {
        let (path, error) = try error("")
        #expect(error?.description == "\(path): the file is empty (rule empty-dataset). "
            + "Write the dataset into it: one input per line (after a header line for CSV).")
    }

    @Test func invalidUTF8InALabelIsRefused() throws {
        let scratch = try Scratch()
        let path = try scratch.write("data.csv", bytes: Array("f,label\n1,".utf8) + [0xFF, 0xFE] + [0x0A])
        #expect(loadError(path)?.description == "\(path):2: the label is not valid UTF-8 (rule malformed). Save the file as UTF-8.")
    }

    @Test func emptyIdAndGroupCellsAreRefused() throws {
        let (_, id) = try error("id,f,label\n,1,cat\n")
        #expect(id?.message == "the id cell is empty")
        let (_, group) = try error("group,f,label\n,1,cat\n")
        #expect(group?.message == "the group cell is empty")
    }

    @Test func linesCountQuotedNewlines() throws {
        let (_, error) = try error("id,f,label\n\"a\nb\",1,cat\nc,x,cat\n")
        #expect(error?.line == 4)
    }
}
