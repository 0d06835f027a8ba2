import Foundation
import Testing
import Wire

@Suite struct EnvelopeTests {
    @Test func refusesAnotherVersionWithAClearMessage() {
        let frames: [[UInt8]] = [Array("crossfold/2".utf8), Array("HEARTBEAT".utf8), Array("{}".utf8)]
        #expect(throws: WireError.self) { try Envelope.parse(frames) }
        do {
            _ = try Envelope.parse(frames)
        } catch {
            #expect(error.kind == .unsupportedVersion)
            #expect(error.message.contains("crossfold/2"))
            #expect(error.message.contains("run the same crossfold release"))
        }
    }

    @Test func rejectsForeignProtocols() throws {
        for tag in ["MDPW01", "crossfold/", "crossfold/x1", "crossfold/1111111111111", ""] {
            let frames: [[UInt8]] = [Array(tag.utf8), Array("HEARTBEAT".utf8), Array("{}".utf8)]
            let error = try #require(throws: WireError.self) { try Envelope.parse(frames) }
            #expect(error.kind == .notCrossfold, "tag \(tag)")
        }
    }

    @Test func rejectsBrokenLayouts() throws {
        let tag = Array("crossfold/1".utf8)
        let cases: [[[UInt8]]] = [
            [],
            [tag],
            [tag, Array("HEARTBEAT".utf8)],
            [tag, Array("heartbeat".utf8), Array("{}".utf8)],
            [tag, [], Array("{}".utf8)],
            [tag, Array("HEARTBEAT".utf8), [UInt8](repeating: 0x20, count: WireProtocol.maxHeaderBytes + 1)],
            [tag, Array("HEARTBEAT".utf8), Array("{}".utf8)] + Array(repeating: [UInt8](), count: WireProtocol.maxFrames),
        ]
        for frames in cases {
            #expect(throws: WireError.self) { try Envelope.parse(frames) }
        }
    }

    @Test func headersUseSnakeCaseKeys() throws {
        let envelope = WorkerMessage.progress(TaskRef(job: "j", task: 3, attempt: 2)).envelope
        let text = String(decoding: envelope.header, as: UTF8.self)
        #expect(text == #"{"attempt":2,"job":"j","task":3}"#)
        let assignment = TaskAssignment(
            job: "j", task: 1, attempt: 1, dataset: String(repeating: "a", count: 64), holdout: nil, repeatIndex: 0,
            fold: 2, testRows: 0, model: "logistic", params: [:], seed: 7, leaseMilliseconds: 1000)
        let taskText = String(decoding: CoordinatorMessage.task(assignment, testRows: []).envelope.header, as: UTF8.self)
        #expect(taskText.contains(#""lease_milliseconds":1000"#))
        #expect(taskText.contains(#""repeat_index":0"#))
        #expect(taskText.contains(#""test_rows":0"#))
    }
}
