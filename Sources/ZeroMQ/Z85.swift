import CZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// ZeroMQ's Z85 text encoding of binary data (RFC 32), as libzmq implements it: every
/// 4 bytes become 5 printable characters. CURVE keys travel and are stored in this form.
public enum Z85 {
    /// Encodes `bytes`, whose count must be a multiple of 4 (a 32-byte key gives 40 characters).
    /// - Throws: `ZeroMQError` `EINVAL` when the count is not a multiple of 4.
    public static func encode(_ bytes: [UInt8]) throws(ZeroMQError) -> String {
        guard bytes.count % 4 == 0 else {
            throw ZeroMQError(
                code: EINVAL, function: "zmq_z85_encode",
                detail: "\(bytes.count) bytes is not a multiple of 4; pad the data before encoding")
        }
        if bytes.isEmpty { return "" }
        var text = [CChar](repeating: 0, count: bytes.count / 4 * 5 + 1)
        let encoded = bytes.withUnsafeBufferPointer { input in
            text.withUnsafeMutableBufferPointer { output in
                zmq_z85_encode(output.baseAddress, input.baseAddress, input.count) != nil
            }
        }
        guard encoded else { throw ZeroMQError(code: zmq_errno(), function: "zmq_z85_encode") }
        return LibZMQ.string(text)
    }

    /// Decodes Z85 text, whose length must be a multiple of 5, into bytes.
    /// - Throws: `ZeroMQError` `EINVAL` for a bad length or a character outside the Z85 alphabet.
    public static func decode(_ text: String) throws(ZeroMQError) -> [UInt8] {
        let characters = Array(text.utf8)
        guard characters.count % 5 == 0 else {
            throw ZeroMQError(
                code: EINVAL, function: "zmq_z85_decode",
                detail: "\(characters.count) characters is not a multiple of 5; is the text truncated?")
        }
        if characters.isEmpty { return [] }
        // A NUL inside would make libzmq see a shorter string than Swift does.
        guard !characters.contains(0) else {
            throw ZeroMQError(code: EINVAL, function: "zmq_z85_decode", detail: "text contains a NUL character")
        }
        var bytes = [UInt8](repeating: 0, count: characters.count / 5 * 4)
        let decoded = bytes.withUnsafeMutableBufferPointer { output in
            text.withCString { zmq_z85_decode(output.baseAddress, $0) != nil }
        }
        guard decoded else {
            throw ZeroMQError(
                code: EINVAL, function: "zmq_z85_decode",
                detail: "text has a character outside the Z85 alphabet or encodes a value past 2^32")
        }
        return bytes
    }
}
