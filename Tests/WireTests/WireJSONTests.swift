import Foundation
import JSON
import Testing
import Wire

/// Headers are written by `SortedJSONEncoder` and read by `ExactJSONDecoder`; Foundation's coders
/// with the same options are the oracle.
@Suite struct WireJSONTests {
    static let hash = String(repeating: "ab", count: 32)

    static func foundationBytes(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func foundationValue<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: data)
    }

    /// Writes and reads back, against Foundation both ways. (A task's row folds travel in a frame
    /// of their own, so a header need not read back as the whole value.)
    static func check<T: Codable & Equatable>(_ value: T) throws {
        let bytes = WireJSON.encode(value)
        #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: try foundationBytes(value), as: UTF8.self))
        #expect(try WireJSON.decode(T.self, from: bytes, command: "TEST") == foundationValue(T.self, bytes))
    }

    static func assignment(seed: UInt64, params: [String: String], rowFolds: [UInt8]?) -> TaskAssignment {
        TaskAssignment(
            job: "job-1/a", task: 12, attempt: 2, dataset: hash, holdout: rowFolds == nil ? hash : nil, repeatIndex: 3,
            fold: 4, testRows: 100, model: "softmax", params: params, seed: seed, leaseMilliseconds: 30_000,
            partitionFolds: rowFolds == nil ? nil : 5, rowFolds: rowFolds)
    }

    @Test func everyKindOfHeaderIsJSONEncodersBytesAndReadsBack() throws {
        try Self.check(Self.assignment(seed: 9, params: ["maxIter": "30", "C": "0.5", "k_n": "3"], rowFolds: nil))
        try Self.check(Self.assignment(seed: .max, params: [:], rowFolds: [0, 1, 4, 255]))
        try Self.check(WorkerMessage.Ready(
            name: "host-1/42", slots: 2, threads: 1, cached: [Self.hash], software: "crossfold 0.1.0",
            peerEndpoint: "tcp://10.1.2.3:5558"))
        for seconds in [0, 0.1, 1e-7, 123_456.789, 1e300, -2.5] {
            try Self.check(WorkerMessage.TaskResult(job: "j", task: 1, attempt: 1, rows: 2, concepts: 3, seconds: seconds))
        }
        try Self.check(WorkerMessage.TaskFailure(job: "j", task: 1, attempt: 1, kind: .learner, message: "bad \"C\"\n\t\u{1}é/√"))
        try Self.check(JobStatus(
            job: "j", state: .running, datasetName: "digits.csv", model: "logistic", tasksTotal: 10, tasksDone: 4,
            tasksRunning: 2, attemptsLost: 1, workers: 2, workersBusy: 2, elapsedSeconds: 3.5, etaSeconds: nil,
            message: "ok"))
        var spec = JobSpec(
            dataset: Self.hash, datasetName: "dir/digits.csv", split: "stratified", folds: 5, repeats: 2,
            seed: 1 << 60 + 1, model: "logistic", params: ["C": "0.5"], threshold: 0.5, testSet: "all",
            configurations: [ModelConfiguration(model: "softmax", params: ["maxIter": "5"])])
        spec.verify = 0.25
        try Self.check(spec)
        try Self.check(ErrorReply(request: nil, code: "unknown-job", message: "no job j"))
    }

    /// A seed above 2^53 is not a Double: it must come back bit for bit.
    @Test func a64BitSeedKeepsEveryBit() throws {
        for seed: UInt64 in [.max, .max - 1, 1 << 53 + 1, 0] {
            let bytes = WireJSON.encode(Self.assignment(seed: seed, params: [:], rowFolds: nil))
            #expect(String(decoding: bytes, as: UTF8.self).contains("\"seed\":\(seed)"))
            #expect(try WireJSON.decode(TaskAssignment.self, from: bytes, command: "TASK").seed == seed)
        }
    }

    /// Random headers, strings of every kind of character included.
    @Test func randomHeadersAreJSONEncodersBytes() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09 _-/\\\"\n\t\u{0}\u{1F}é√😀".unicodeScalars)
        func text() -> String {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...12, using: &generator) { scalars.append(alphabet.randomElement(using: &generator)!) }
            return String(scalars)
        }
        for _ in 0..<300 {
            var params: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &generator) { params[text()] = text() }
            var assignment = Self.assignment(
                seed: UInt64.random(in: 0...UInt64.max, using: &generator), params: params,
                rowFolds: Bool.random(using: &generator) ? nil : (0..<Int.random(in: 0...20, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            assignment.job = text()
            assignment.task = Int.random(in: Int.min...Int.max, using: &generator)
            try Self.check(assignment)
            try Self.check(WorkerMessage.TaskResult(
                job: text(), task: 1, attempt: 1, rows: 2, concepts: 3,
                seconds: Double.random(in: -1e12...1e12, using: &generator)))
        }
    }

    /// Property names in snake case as `JSONEncoder`'s `.convertToSnakeCase` writes them.
    @Test(arguments: [
        "leaseMilliseconds", "myHTTPRequest", "a1B", "_x", "x_y", "aBCd", "C", "URL", "URLString", "peerEndpoint",
        "ÉtéÀb", "rowFolds", "a", "ABC", "abcDEF", "abc2Def", "already_snake", "trailingA", "__private", "ǅungla",
    ])
    func keysAreFoundationsSnakeCase(name: String) throws {
        struct Named: Encodable {
            let name: String
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: AnyKey.self)
                try container.encode(1, forKey: AnyKey(stringValue: name))
            }
        }
        let ours = try SortedJSONEncoder(pretty: false, keys: .snakeCase).encode(Named(name: name))
        #expect(String(decoding: ours, as: UTF8.self) == String(decoding: try Self.foundationBytes(Named(name: name)), as: UTF8.self))
    }

    /// What a hostile peer might send in place of a header: refused with a `WireError`, never a trap.
    @Test func hostileHeadersAreRefused() {
        let good = String(decoding: WireJSON.encode(Self.assignment(seed: 9, params: [:], rowFolds: nil)), as: UTF8.self)
        let texts: [[UInt8]] = [
            Array(String(repeating: "[", count: 600).utf8),
            Array((String(repeating: "[", count: 400) + String(repeating: "]", count: 400)).utf8),
            Array(good.replacingOccurrences(of: "\"seed\":9", with: "\"seed\":" + String(repeating: "9", count: 10_000)).utf8),
            Array(good.replacingOccurrences(of: "\"task\":12", with: "\"task\":1e999999").utf8),
            Array(good.replacingOccurrences(of: "job-1/a", with: "\u{0}").utf8),
            Array(good.utf8).map { $0 == UInt8(ascii: "j") ? 0xFF : $0 },
            Array(good.replacingOccurrences(of: "\"params\":{}", with: "\"params\":{\"k\":1}").utf8),
            Array(good.replacingOccurrences(of: "\"params\":{}", with: "\"params\":[]").utf8),
            [], Array(" ".utf8), Array("null".utf8), Array("[]".utf8), Array("\"x\"".utf8), [0xEF, 0xBB, 0xBF],
        ]
        for text in texts {
            #expect(throws: WireError.self) { try WireJSON.decode(TaskAssignment.self, from: Data(text), command: "TASK") }
        }
        // A byte-order mark and whitespace around the object are JSON's, as JSONDecoder reads them.
        let padded = [0xEF, 0xBB, 0xBF] + Array(" \n\(good)\t ".utf8)
        #expect(throws: Never.self) { try WireJSON.decode(TaskAssignment.self, from: Data(padded), command: "TASK") }
    }

    @Test func aHeaderThatDoesNotFitSaysWhere() throws {
        let good = String(decoding: WireJSON.encode(Self.assignment(seed: 9, params: [:], rowFolds: nil)), as: UTF8.self)
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "\"task\":12", with: "\"task\":12.5"), "wrong type at task"),
            (good.replacingOccurrences(of: "\"task\":12", with: "\"task\":\"12\""), "wrong type at task"),
            (good.replacingOccurrences(of: "\"seed\":9", with: "\"seed\":-9"), "wrong type at seed"),
            (good.replacingOccurrences(of: "\"seed\":9", with: "\"seed\":18446744073709551616"), "wrong type at seed"),
            (good.replacingOccurrences(of: "\"task\":12,", with: ""), "missing field task"),
            (good.replacingOccurrences(of: "\"job\":\"job-1/a\"", with: "\"job\":null"), "job"),
            (String(good.dropLast()), "invalid JSON"),
        ]
        for (text, expected) in cases {
            #expect(throws: WireError.self) { try WireJSON.decode(TaskAssignment.self, from: Data(text.utf8), command: "TASK") }
            do {
                _ = try WireJSON.decode(TaskAssignment.self, from: Data(text.utf8), command: "TASK")
            } catch {
                #expect(error.message.contains("TASK header does not fit its schema"), "\(error.message)")
                #expect(error.message.contains(expected), "\(error.message)")
            }
        }
    }
}

private struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
