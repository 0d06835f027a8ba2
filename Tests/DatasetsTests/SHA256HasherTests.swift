import Datasets
import Testing

/// The content hash is SHA-256 through OpenSSL's libcrypto: checked against the NIST known answers
/// (FIPS 180-2, appendix B) and for streaming in pieces of any size, including across the 64-byte
/// block boundary and the multi-block paths the CPU's SHA extensions take.
@Suite struct SHA256HasherTests {
    @Test func matchesTheNISTKnownAnswers() {
        #expect(SHA256Hasher.hash(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hasher.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256Hasher.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingInAnyPiecesGivesTheOneShotDigest() {
        var random = SystemRandomNumberGenerator()
        for length in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 4096, 65_537, 1 << 20] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let whole = SHA256Hasher.hash(bytes)
            var streamed = SHA256Hasher()
            var start = 0
            while start < length {
                let end = min(length, start + Int.random(in: 1...max(1, length / 3 + 70), using: &random))
                streamed.update(bytes[start..<end])
                start = end
            }
            #expect(streamed.finalize() == whole, "length \(length)")
        }
    }

    @Test func aCopiedHasherFinishesWithoutDisturbingTheOriginal() {
        var hasher = SHA256Hasher()
        hasher.update(Array("ab".utf8))
        var copy = hasher
        #expect(copy.finalize() == SHA256Hasher.hash(Array("ab".utf8)))
        hasher.update(Array("c".utf8))
        #expect(hasher.finalize() == SHA256Hasher.hash(Array("abc".utf8)))
    }
}
