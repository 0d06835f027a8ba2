#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads JSON Lines of Clarifai input objects, one input per line:
/// `{"id":"in-1","group":"g","data":{"concepts":[{"id":"cat","value":1}],"embeddings":[{"vector":[…]}]}}`.
///
/// A concept's `value` defaults to 1 (Clarifai's default); 0 is an explicit negative, which still
/// makes the concept a column. The dataset is multi-label when some input has a number of positive
/// concepts other than one. Blank lines are skipped; members crossfold does not use are ignored.
struct JSONLReader {
    let file: String

    /// What the reader has gathered so far.
    private struct Gathered {
        var width: Int?
        var concepts = ConceptTable()
        var ids: [String] = []
        var idLines: [String: Int] = [:]
        var groups: [String] = []
        /// Whether the inputs carry groups, decided by the first input.
        var hasGroups: Bool?
        var groupLine = 0
    }

    /// One input's own members, while its line is read.
    private struct Input {
        var id: String?
        var group: String?
        var embeddings = 0
        var vectors = 0
        var features = 0
    }

    /// Reads the dataset into memory.
    func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(DatasetError) -> Dataset {
        var features: [Float] = []
        return try read(bytes, into: &features).dataset(features: FeatureMatrix(features))
    }

    /// Reads the dataset, handing its feature values to `features` input by input.
    func read<Sink: FeatureSink>(_ bytes: UnsafeBufferPointer<UInt8>, into features: inout Sink) throws(DatasetError) -> DatasetParts {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw DatasetError.emptyFile(file) }
        var gathered = Gathered()
        var start = bytes.count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
        var line = 1
        while start < bytes.count {
            var stop = bytes.count
            if let newline = memchr(base + start, 0x0A, bytes.count - start) {
                stop = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
            }
            var scanner = JSONScanner(base: base + start, count: stop - start, file: file, line: line)
            if scanner.peek() != nil { try readInput(&scanner, into: &gathered, features: &features) }
            start = stop + 1
            line += 1
        }
        let rowCount = gathered.concepts.rowCount
        guard let width = gathered.width else {
            throw DatasetError(.empty, file: file, "the file has no inputs, only empty lines",
                               fix: "Write one Clarifai input object per line.")
        }
        let (concepts, labels) = try gathered.concepts.matrix(file: file)
        return DatasetParts(featureCount: width, concepts: concepts, labels: labels,
                            ids: gathered.ids, groups: gathered.hasGroups == true ? gathered.groups : nil,
                            isMultiLabel: gathered.concepts.hasRowWithoutExactlyOnePositive && rowCount > 0)
    }

    private func readInput<Sink: FeatureSink>(
        _ scanner: inout JSONScanner, into gathered: inout Gathered, features: inout Sink
    ) throws(DatasetError) {
        let line = scanner.line
        var input = Input()
        try scanner.beginObject()
        var first = true
        while let key = try scanner.nextKey(&first) {
            switch key {
            case "id": input.id = try optionalText(&scanner, "the input's id")
            case "group": input.group = try optionalText(&scanner, "the input's group")
            case "data": try readData(&scanner, &input, &gathered, &features)
            default: try scanner.skipValue()
            }
        }
        if scanner.peek() != nil { throw scanner.syntaxError("text follows the input object; write one object per line") }

        guard input.vectors > 0 else {
            throw DatasetError(.missingField, file: file, line: line, "the input has no data.embeddings[0].vector",
                               fix: "Give every input one embedding: \"data\":{\"embeddings\":[{\"vector\":[...]}]}.")
        }
        if let width = gathered.width {
            guard input.features == width else {
                throw DatasetError.raggedRow(file: file, line: line, expected: width, found: input.features,
                                             detail: " in data.embeddings[0].vector (the first input has \(width))",
                                             fix: "Give every input an embedding vector of the same length.")
            }
        } else {
            guard input.features > 0 else {
                throw DatasetError(.missingField, file: file, line: line, "data.embeddings[0].vector is empty",
                                   fix: "Give every input a non-empty embedding vector.")
            }
            gathered.width = input.features
        }

        let row = gathered.concepts.rowCount
        let id = input.id ?? String(row)
        if let earlier = gathered.idLines.updateValue(line, forKey: id) {
            throw DatasetError.duplicateId(file: file, line: line, id: id, first: "line \(earlier)")
        }
        gathered.ids.append(id)

        switch (gathered.hasGroups, input.group) {
        case (nil, let group):
            gathered.hasGroups = group != nil
            gathered.groupLine = line
            if let group { gathered.groups.append(group) }
        case (true?, let group?):
            gathered.groups.append(group)
        case (true?, nil):
            throw DatasetError(.missingField, file: file, line: line,
                               "the input has no \"group\" but the input on line \(gathered.groupLine) has one",
                               fix: "Give every input a group, or none of them.")
        case (false?, _?):
            throw DatasetError(.missingField, file: file, line: line,
                               "the input has a \"group\" but the input on line \(gathered.groupLine) has none",
                               fix: "Give every input a group, or none of them.")
        case (false?, nil):
            break
        }
        gathered.concepts.endRow()
    }

    /// A string member that may also be null or absent; an empty string is refused.
    private func optionalText(_ scanner: inout JSONScanner, _ what: String) throws(DatasetError) -> String? {
        if scanner.skipNull() { return nil }
        guard scanner.peek() == UInt8(ascii: "\"") else {
            throw DatasetError(.malformed, file: file, line: scanner.line, "\(what) is not a string",
                               fix: "Write \(what) as a JSON string.")
        }
        let text = try scanner.string()
        guard !text.isEmpty else {
            throw DatasetError(.missingField, file: file, line: scanner.line, "\(what) is empty",
                               fix: "Give \(what) a value, or leave the member out.")
        }
        return text
    }

    private func readData<Sink: FeatureSink>(
        _ scanner: inout JSONScanner, _ input: inout Input, _ gathered: inout Gathered, _ features: inout Sink
    ) throws(DatasetError) {
        try scanner.beginObject()
        var first = true
        while let key = try scanner.nextKey(&first) {
            switch key {
            case "concepts":
                if scanner.skipNull() { continue }
                try scanner.beginArray()
                var firstConcept = true
                while try scanner.nextElement(&firstConcept) { try readConcept(&scanner, &input, &gathered.concepts) }
            case "embeddings":
                if scanner.skipNull() { continue }
                try scanner.beginArray()
                var firstEmbedding = true
                while try scanner.nextElement(&firstEmbedding) { try readEmbedding(&scanner, &input, &features) }
            default:
                try scanner.skipValue()
            }
        }
    }

    private func readConcept(_ scanner: inout JSONScanner, _ input: inout Input, _ concepts: inout ConceptTable) throws(DatasetError) {
        let line = scanner.line
        var id: String?
        var value: Float = 1
        try scanner.beginObject()
        var first = true
        while let key = try scanner.nextKey(&first) {
            switch key {
            case "id":
                id = try optionalText(&scanner, "the concept's id")
            case "value":
                guard let number = try scanner.number() else {
                    throw DatasetError(.malformed, file: file, line: line, "a concept's value is not a number",
                                       fix: "Write the value as 1 (positive) or 0 (explicit negative), or leave it out for 1.")
                }
                value = number
            default:
                try scanner.skipValue()
            }
        }
        guard let id else {
            throw DatasetError(.missingField, file: file, line: line, "a concept in data.concepts has no id",
                               fix: "Give every concept an id: {\"id\":\"cat\",\"value\":1}.")
        }
        let concept = concepts.intern(id)
        switch value {
        case 1:
            guard !concepts.currentRowHasNegative(concept) else { throw conflict(id, line) }
            concepts.addPositive(concept)
        case 0:
            guard !concepts.currentRowHasPositive(concept) else { throw conflict(id, line) }
            concepts.addNegative(concept)
        default:
            throw DatasetError(.malformed, file: file, line: line, "concept \(DatasetError.quoted(id)) has value \(value)",
                               fix: "Use 1 for a positive and 0 for an explicit negative.")
        }
    }

    private func conflict(_ id: String, _ line: Int) -> DatasetError {
        DatasetError(.malformed, file: file, line: line, "concept \(DatasetError.quoted(id)) is both positive and negative",
                     fix: "Name each concept once per input, with value 1 or 0.")
    }

    private func readEmbedding<Sink: FeatureSink>(
        _ scanner: inout JSONScanner, _ input: inout Input, _ features: inout Sink
    ) throws(DatasetError) {
        let line = scanner.line
        guard input.embeddings == 0 else {
            throw DatasetError(.malformed, file: file, line: line, "the input has more than one embedding",
                               fix: "Keep one embedding per input; crossfold reads one feature vector per input.")
        }
        input.embeddings = 1
        try scanner.beginObject()
        var first = true
        while let key = try scanner.nextKey(&first) {
            guard key == "vector" else {
                try scanner.skipValue()
                continue
            }
            guard input.vectors == 0 else {
                throw DatasetError(.malformed, file: file, line: line, "the embedding has two vectors",
                                   fix: "Give the embedding one \"vector\" member.")
            }
            try scanner.beginArray()
            var firstNumber = true
            var index = 0
            while try scanner.nextElement(&firstNumber) {
                guard let value = try scanner.number() else {
                    throw DatasetError(.notANumber, file: file, line: line, "data.embeddings[0].vector[\(index)] is not a number",
                                       fix: "Write every vector element as a JSON number.")
                }
                guard value.isFinite else {
                    throw DatasetError.nonFinite(file: file, line: line, place: "data.embeddings[0].vector[\(index)]", value: value)
                }
                try features.append(value)
                index += 1
            }
            input.features = index
            input.vectors = 1
        }
    }
}
