import Foundation
import JSON
import Testing
@testable import Wire

/// The TASK and RESULT headers are written and read without `Codable` (Sources/Wire/TaskHeaders.swift):
/// the same bytes as `WireJSON.encode`, and the value `WireJSON.decode` reads, or nil (and then
/// `WireJSON.decode` reads it, with its own error).
@Suite struct TaskHeadersTests {
    static let hash = String(repeating: "ab", count: 32)

    static func text(_ generator: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("aZ09 _-/\\\"\n\t\u{0}\u{1F}é√😀".unicodeScalars)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &generator) { scalars.append(alphabet.randomElement(using: &generator)!) }
        return String(scalars)
    }

    static func randomAssignment(_ generator: inout some RandomNumberGenerator) -> TaskAssignment {
        var params: [String: String] = [:]
        for _ in 0..<Int.random(in: 0...4, using: &generator) { params[text(&generator)] = text(&generator) }
        let folds = Bool.random(using: &generator) ? nil : Int.random(in: 2...256, using: &generator)
        return TaskAssignment(
            job: text(&generator), task: Int.random(in: Int.min...Int.max, using: &generator),
            attempt: Int.random(in: 0...5, using: &generator), dataset: hash, holdout: Bool.random(using: &generator) ? hash : nil,
            repeatIndex: Int.random(in: 0...9, using: &generator), fold: Int.random(in: 0...999, using: &generator),
            testRows: Int.random(in: 0...1_000_000, using: &generator), model: text(&generator), params: params,
            seed: UInt64.random(in: 0...UInt64.max, using: &generator), leaseMilliseconds: Int.random(in: 1...1 << 40, using: &generator),
            partitionFolds: folds, rowFolds: folds.map { _ in [0, 1] })
    }

    /// What the header carries: the row folds travel in a frame of their own.
    static func header(_ assignment: TaskAssignment) -> TaskAssignment {
        var header = assignment
        header.rowFolds = nil
        return header
    }

    @Test func randomHeadersAreTheCodableBytesAndReadBackDirectly() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let assignment = Self.randomAssignment(&generator)
            let bytes = assignment.headerBytes
            #expect(Data(bytes) == WireJSON.encode(assignment), "\(String(decoding: bytes, as: UTF8.self))")
            let read = TaskAssignment.read(header: Data(bytes))
            let decoded = try WireJSON.decode(TaskAssignment.self, from: Data(bytes), command: "TASK")
            #expect(read == Self.header(assignment))
            #expect(read == decoded)

            let result = WorkerMessage.TaskResult(
                job: Self.text(&generator), task: Int.random(in: Int.min...Int.max, using: &generator), attempt: 1,
                rows: Int.random(in: 0...1_000_000, using: &generator), concepts: Int.random(in: 1...1_000, using: &generator),
                seconds: [0, 1e-7, 123_456.789, 1e300, .leastNonzeroMagnitude, Double.random(in: -1e12...1e12, using: &generator)]
                    .randomElement(using: &generator)!)
            #expect(Data(result.headerBytes) == WireJSON.encode(result))
            #expect(WorkerMessage.TaskResult.read(header: Data(result.headerBytes)) == result)
        }
    }

    /// Whole messages through the public encode and decode.
    @Test func tasksAndResultsRoundTripAsMessages() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            var assignment = Self.randomAssignment(&generator)
            assignment.testRows = 3
            let message = CoordinatorMessage.task(assignment, testRows: [1, 5, 9])
            #expect(try CoordinatorMessage.decode(message.envelope.frames) == message)
            let result = WorkerMessage.result(
                .init(job: "j", task: 7, attempt: 1, rows: 2, concepts: 2, seconds: 0.25), scores: [0.1, 0.9, 0.5, 0.5])
            #expect(try WorkerMessage.decode(result.envelope.frames) == result)
        }
    }

    /// Headers another writer might send: other key orders, whitespace, unknown keys, nulls for
    /// absent optionals, capitals and other scripts in params' keys (data, kept as they are). Read directly to what `WireJSON.decode` reads, or
    /// left to it; anything it refuses is never read directly.
    @Test func otherSpellingsReadAsCodableReadsThem() throws {
        let base = #"{"attempt":1,"dataset":"\#(Self.hash)","fold":2,"job":"j","lease_milliseconds":500,"model":"m","params":{"k":"3"},"repeat_index":0,"seed":7,"task":4,"test_rows":10}"#
        func replacing(_ target: String, with replacement: String) -> String {
            base.replacingOccurrences(of: target, with: replacement)
        }
        let spaced: String = #"  { "task" : 4 , "job":"j","attempt":1,"dataset":"\#(Self.hash)","fold":2,"lease_milliseconds":500,"#
            + #""model":"m","params":{"k":"3"},"repeat_index":0,"seed":7,"test_rows":10 }  "#
        let variants: [String] = [
            base, spaced,
            replacing("\"fold\":2", with: "\"fold\":2,\"unknown\":[1,{\"a\":null}]"),
            replacing("\"fold\":2", with: "\"fold\":2,\"holdout\":null,\"partition_folds\":null"),
            replacing("\"fold\":2", with: "\"fold\":2,\"partition_folds\":5"),
            replacing("{\"k\":\"3\"}", with: "{\"maxIter\":\"3\",\"k\":\"1\"}"),
            replacing("{\"k\":\"3\"}", with: "{\"É\":\"3\"}"),
            replacing("\"job\":\"j\"", with: "\"job\":\"\\u006a\\n\""),
            // Refused by both.
            replacing("\"task\":4", with: "\"task\":4.0"),
            replacing("\"task\":4", with: "\"task\":\"4\""),
            replacing("\"seed\":7", with: "\"seed\":-7"),
            replacing("\"job\":\"j\",", with: ""),
            replacing("\"job\":\"j\"", with: "\"job\":null"),
            replacing("\"fold\":2", with: "\"fold\":2,\"holdout\":5"),
            replacing("\"fold\":2", with: "\"fold\":2,\"partition_folds\":\"5\""),
            replacing("{\"k\":\"3\"}", with: "{\"k\":3}"),
            String(base.dropLast()), "[]", "null", "",
        ]
        for text in variants {
            let data = Data(text.utf8)
            let decoded = try? WireJSON.decode(TaskAssignment.self, from: data, command: "TASK")
            let read = TaskAssignment.read(header: data)
            if let read { #expect(read == decoded, "\(text)") }
            if decoded == nil { #expect(read == nil, "\(text)") }
        }
        #expect(TaskAssignment.read(header: Data(base.utf8)) != nil)
        #expect(TaskAssignment.read(header: Data(replacing("{\"k\":\"3\"}", with: "{\"C\":\"0.5\",\"É\":\"x\"}").utf8))?.params
            == ["C": "0.5", "É": "x"])
        let result = #"{"attempt":1,"concepts":2,"job":"j","rows":3,"seconds":0.5,"task":4}"#
        for text in [result, result.replacingOccurrences(of: "0.5", with: "1e-3"), result.replacingOccurrences(of: "0.5", with: "2"),
                     result.replacingOccurrences(of: "0.5", with: "\"0.5\""), result.replacingOccurrences(of: "\"rows\":3", with: "\"rows\":3.5"),
                     result.replacingOccurrences(of: "0.5", with: "1e999")] {
            let data = Data(text.utf8)
            let decoded = try? WireJSON.decode(WorkerMessage.TaskResult.self, from: data, command: "RESULT")
            let read = WorkerMessage.TaskResult.read(header: data)
            if let read { #expect(read == decoded, "\(text)") }
            if decoded == nil { #expect(read == nil, "\(text)") }
        }
    }

    /// What a hostile peer might send as a TASK or RESULT header, through the whole message
    /// decode (the direct reader first): refused with a `WireError`, never a trap.
    @Test func hostileHeadersAreRefusedThroughTheDirectReader() {
        let task = CoordinatorMessage.task(
            TaskAssignment(
                job: "j", task: 12, attempt: 1, dataset: Self.hash, holdout: nil, repeatIndex: 0, fold: 1, testRows: 1,
                model: "m", params: [:], seed: 9, leaseMilliseconds: 500),
            testRows: [0]).envelope.frames
        let result = WorkerMessage.result(
            .init(job: "j", task: 12, attempt: 1, rows: 1, concepts: 1, seconds: 0.5), scores: [0.5]).envelope.frames
        let good = (task: String(decoding: task[2], as: UTF8.self), result: String(decoding: result[2], as: UTF8.self))
        func hostile(_ text: String) -> [[UInt8]] {
            [
                Array(String(repeating: "[", count: 600).utf8),
                Array(String(repeating: "{\"a\":", count: 600).utf8),
                Array(text.replacingOccurrences(of: "\"task\":12", with: "\"task\":" + String(repeating: "9", count: 10_000)).utf8),
                Array(text.replacingOccurrences(of: "\"task\":12", with: "\"task\":1e999999").utf8),
                Array(text.replacingOccurrences(of: "\"task\":12", with: "\"task\":-").utf8),
                Array(text.utf8).map { $0 == UInt8(ascii: "j") ? 0xFF : $0 },
                Array(text.utf8.dropLast()), [], Array("null".utf8), Array("[]".utf8), [0xEF, 0xBB, 0xBF],
            ]
        }
        for header in hostile(good.task) {
            var frames = task
            frames[2] = header
            #expect(throws: WireError.self) { try CoordinatorMessage.decode(frames) }
        }
        for header in hostile(good.result) + [Array(good.result.replacingOccurrences(of: "0.5", with: "1e400").utf8)] {
            var frames = result
            frames[2] = header
            #expect(throws: WireError.self) { try WorkerMessage.decode(frames) }
        }
    }

    @Test func aNonFiniteTimeIsWrittenAsTheCodablePathWritesIt() {
        let result = WorkerMessage.TaskResult(job: "j", task: 1, attempt: 1, rows: 1, concepts: 1, seconds: .nan)
        #expect(Data(result.headerBytes) == WireJSON.encode(result))
    }
}
