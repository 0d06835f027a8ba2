import Datasets
import Testing

@Suite struct JSONLReaderTests {
    private func input(_ id: String?, _ concepts: String, _ vector: String, extra: String = "") -> String {
        let idPart = id.map { "\"id\":\"\($0)\"," } ?? ""
        return "{\(idPart)\(extra)\"data\":{\"concepts\":[\(concepts)],\"embeddings\":[{\"vector\":[\(vector)],\"num_dimensions\":2}]}}"
    }

    @Test func readsClarifaiInputObjects() throws {
        let scratch = try Scratch()
        let lines = [
            input("in-1", "{\"id\":\"cat\",\"value\":1}", "0.5,-1"),
            input("in-2", "{\"id\":\"dog\",\"name\":\"Dog\",\"value\":1.0}", "2e0, 3"),
        ]
        let dataset = try DatasetReader.load(path: try scratch.write("data.jsonl", lines.joined(separator: "\n") + "\n"))
        #expect(dataset.ids == ["in-1", "in-2"])
        #expect(dataset.features == [0.5, -1, 2, 3])
        #expect(dataset.concepts == ["cat", "dog"])
        #expect(dataset.labels == [1, 0, 0, 1])
        #expect(!dataset.isMultiLabel)
        #expect(dataset.groups == nil)
    }

    @Test func valueDefaultsToOneAndZeroIsAnExplicitNegative() throws {
        let scratch = try Scratch()
        let lines = [
            input("a", "{\"id\":\"cat\"},{\"id\":\"fish\",\"value\":0}", "1,2"),
            input("b", "{\"id\":\"dog\"}", "3,4"),
        ]
        let dataset = try DatasetReader.load(path: try scratch.write("data.ndjson", lines.joined(separator: "\n")))
        #expect(dataset.concepts == ["cat", "dog", "fish"])
        #expect(dataset.labels == [1, 0, 0, 0, 1, 0])
        #expect(!dataset.isMultiLabel, "one positive per input, whatever the explicit negatives")
        #expect(dataset.positiveCounts == [1, 1, 0])
    }

    @Test func anInputWithSeveralOrNoPositivesMakesItMultiLabel() throws {
        let scratch = try Scratch()
        let several = [input("a", "{\"id\":\"cat\"},{\"id\":\"dog\"}", "1,2"), input("b", "{\"id\":\"dog\"}", "3,4")]
        let multi = try DatasetReader.load(path: try scratch.write("a.jsonl", several.joined(separator: "\n")))
        #expect(multi.isMultiLabel)
        #expect(multi.labels == [1, 1, 0, 1])

        let none = [input("a", "{\"id\":\"cat\",\"value\":0}", "1,2"), input("b", "{\"id\":\"dog\"}", "3,4")]
        #expect(try DatasetReader.load(path: try scratch.write("b.jsonl", none.joined(separator: "\n"))).isMultiLabel)
    }

    @Test func readsGroupsSkipsBlankLinesAndNumbersMissingIdsByRow() throws {
        let scratch = try Scratch()
        let text = "\n" + input(nil, "{\"id\":\"cat\"}", "1,2", extra: "\"group\":\"p1\",") + "\n\n  \n"
            + input(nil, "{\"id\":\"dog\"}", "3,4", extra: "\"group\":\"p2\",\"metadata\":{\"x\":[1,{\"y\":null}],\"ok\":true},") + "\r\n"
        let dataset = try DatasetReader.load(path: try scratch.write("data.jsonl", text))
        #expect(dataset.ids == ["0", "1"])
        #expect(dataset.groups == ["p1", "p2"])
    }

    @Test func unescapesStrings() throws {
        let scratch = try Scratch()
        let text = input("a\\\"b\\u00e9\\ud83d\\ude00", "{\"id\":\"c\\/at\\n\"}", "1,2")
        let dataset = try DatasetReader.load(path: try scratch.write("data.jsonl", text))
        #expect(dataset.ids == ["a\"bé😀"])
        #expect(dataset.concepts == ["c/at\n"])
    }
}

@Suite struct JSONLErrorTests {
    private func loading(_ lines: [String]) throws -> (String, DatasetError?) {
        let scratch = try Scratch()
        let path = try scratch.write("data.jsonl", lines.joined(separator: "\n") + "\n")
        return (path, loadError(path))
    }

    private let good = "{\"id\":\"a\",\"data\":{\"concepts\":[{\"id\":\"cat\"}],\"embeddings\":[{\"vector\":[1,2]}]}}"

    @Test func invalidJSONNamesLineAndColumn() throws {
        let (path, error) = try loading([good, "{\"id\":\"b\" \"data\":{}}"])
        #expect(error?.description == "\(path):2: invalid JSON at column 11: expected ',', found '\"' (rule malformed). "
            + "Write one JSON object per line (JSON Lines); check the quotes, commas and brackets there.")
    }

    @Test func textAfterTheObjectIsRefused() throws {
        let (_, error) = try loading([good + " {}"])
        #expect(error?.message == "invalid JSON at column \(good.utf8.count + 2): text follows the input object; write one object per line")
    }

    @Test func vectorOfAnotherLengthIsRagged() throws {
        let (path, error) = try loading([good, "{\"id\":\"b\",\"data\":{\"concepts\":[{\"id\":\"cat\"}],\"embeddings\":[{\"vector\":[1]}]}}"])
        #expect(error?.description == "\(path):2: expected 2 features, found 1 in data.embeddings[0].vector (the first input has 2) "
            + "(rule ragged-row). Give every input an embedding vector of the same length.")
    }

    @Test func missingEmbeddingIsAMissingField() throws {
        let (path, error) = try loading(["{\"id\":\"a\",\"data\":{\"concepts\":[{\"id\":\"cat\"}]}}"])
        #expect(error?.description == "\(path):1: the input has no data.embeddings[0].vector (rule missing-field). "
            + "Give every input one embedding: \"data\":{\"embeddings\":[{\"vector\":[...]}]}.")
    }

    @Test func nanWrittenByPythonIsNonFinite() throws {
        let (path, error) = try loading(["{\"data\":{\"concepts\":[{\"id\":\"cat\"}],\"embeddings\":[{\"vector\":[1,NaN]}]}}"])
        #expect(error?.description == "\(path):1: data.embeddings[0].vector[1] is NaN, not a finite number (rule non-finite-value). "
            + "Replace NaN and infinite values (impute them or drop the rows) before loading.")
        let (_, infinity) = try loading(["{\"data\":{\"concepts\":[{\"id\":\"cat\"}],\"embeddings\":[{\"vector\":[-Infinity,1]}]}}"])
        #expect(infinity?.message == "data.embeddings[0].vector[0] is -infinity, not a finite number")
    }

    @Test func nonNumberInAVectorIsNotANumber() throws {
        let (_, error) = try loading(["{\"data\":{\"concepts\":[{\"id\":\"cat\"}],\"embeddings\":[{\"vector\":[1,null]}]}}"])
        #expect(error?.rule == .notANumber)
        #expect(error?.message == "data.embeddings[0].vector[1] is not a number")
    }

    @Test func duplicateIdNamesBothLines() throws {
        let (path, error) = try loading([good, good])
        #expect(error?.description == "\(path):2: id \"a\" is already used on line 1 (rule duplicate-id). "
            + "Give every input its own id, or leave ids out to number the rows.")
    }

    @Test func conceptValueOtherThanZeroOrOneIsRefused() throws {
        let (_, error) = try loading(["{\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":0.5}],\"embeddings\":[{\"vector\":[1]}]}}"])
        #expect(error?.message == "concept \"cat\" has value 0.5")
        #expect(error?.fix == "Use 1 for a positive and 0 for an explicit negative.")
    }

    @Test func conceptBothPositiveAndNegativeIsRefused() throws {
        let (_, error) = try loading(["{\"data\":{\"concepts\":[{\"id\":\"cat\"},{\"id\":\"cat\",\"value\":0}],\"embeddings\":[{\"vector\":[1]}]}}"])
        #expect(error?.message == "concept \"cat\" is both positive and negative")
    }

    @Test func conceptWithoutIdIsAMissingField() throws {
        let (_, error) = try loading(["{\"data\":{\"concepts\":[{\"name\":\"cat\"}],\"embeddings\":[{\"vector\":[1]}]}}"])
        #expect(error?.rule == .missingField)
        #expect(error?.message == "a concept in data.concepts has no id")
    }

    @Test func twoEmbeddingsAreRefused() throws {
        let (_, error) = try loading(["{\"data\":{\"embeddings\":[{\"vector\":[1]},{\"vector\":[2]}]}}"])
        #expect(error?.message == "the input has more than one embedding")
    }

    @Test func groupsMustBeOnAllInputsOrNone() throws {
        let grouped = "{\"group\":\"g\",\"data\":{\"embeddings\":[{\"vector\":[1]}]}}"
        let plain = "{\"data\":{\"embeddings\":[{\"vector\":[1]}]}}"
        let (_, missing) = try loading([grouped, plain])
        #expect(missing?.description.hasSuffix(":2: the input has no \"group\" but the input on line 1 has one (rule missing-field). "
            + "Give every input a group, or none of them.") == true)
        let (_, extra) = try loading([plain, grouped])
        #expect(extra?.message == "the input has a \"group\" but the input on line 1 has none")
    }

    @Test func nonStringIdIsRefused() throws {
        let (_, error) = try loading(["{\"id\":7,\"data\":{\"embeddings\":[{\"vector\":[1]}]}}"])
        #expect(error?.message == "the input's id is not a string")
    }

    @Test func unterminatedStringAndDeepNestingAreRefused() throws {
        let (_, open) = try loading(["{\"id\":\"abc"])
        #expect(open?.message == "invalid JSON at column 7: a string starts here and is never closed")
        let deep = "{\"x\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        let (_, nested) = try loading([deep])
        #expect(nested?.message.hasSuffix("values are nested too deeply") == true)
    }

    @Test func onlyBlankLinesIsEmpty() throws {
        let (path, error) = try loading(["", "  "])
        #expect(error?.description == "\(path): the file has no inputs, only empty lines (rule empty-dataset). "
            + "Write one Clarifai input object per line.")
    }
}
