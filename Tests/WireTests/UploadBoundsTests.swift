import Foundation
import Testing
import Wire

/// UPLOAD's offset and size come from the peer: arithmetic on them must never trap.
@Suite struct UploadBoundsTests {
    static func upload(offset: Int, size: Int, bytes: Int) -> [[UInt8]] {
        let header = "{\"request\":\"r\",\"dataset\":\"\(String(repeating: "a", count: 64))\",\"offset\":\(offset),\"size\":\(size)}"
        return [Array("crossfold/1".utf8), Array("UPLOAD".utf8), Array(header.utf8), [UInt8](repeating: 7, count: bytes)]
    }

    @Test(arguments: [
        (Int.max, Int.max, 16), (Int.max - 8, Int.max, 16), (Int.max, 100, 1), (0, 8, 16), (-1, 8, 1),
    ])
    func refusesOffsetsAndSizesThatDoNotFitWithoutTrapping(offset: Int, size: Int, bytes: Int) {
        #expect(throws: WireError.self) { try ClientRequest.decode(Self.upload(offset: offset, size: size, bytes: bytes)) }
    }

    @Test func acceptsTheLastChunkOfAnUpload() throws {
        guard case .upload(let upload, let bytes) = try ClientRequest.decode(Self.upload(offset: 90, size: 100, bytes: 10)) else {
            Issue.record("expected UPLOAD")
            return
        }
        #expect(upload.offset == 90 && bytes.count == 10)
    }
}
