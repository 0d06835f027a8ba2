import Foundation
import JSON

/// One message on the wire, after the routing id: protocol tag, command, JSON header, binary frames.
///
/// `frames[0]` is `crossfold/1`, `frames[1]` the command in ASCII, `frames[2]` a UTF-8 JSON object,
/// and any further frames raw little-endian arrays or opaque bytes, as each command defines.
public struct Envelope: Sendable, Equatable {
    public var command: String
    public var header: Data
    public var payload: [[UInt8]]

    public init(command: String, header: Data, payload: [[UInt8]] = []) {
        self.command = command
        self.header = header
        self.payload = payload
    }

    /// Builds an envelope from a Codable header.
    public init(command: String, header: some Encodable, payload: [[UInt8]] = []) {
        self.init(command: command, header: WireJSON.encode(header), payload: payload)
    }

    /// The frames to send, protocol tag first.
    public var frames: [[UInt8]] {
        [Array(WireProtocol.tag.utf8), Array(command.utf8), Array(header)] + payload
    }

    /// Parses and checks the outer layout of `frames` (routing id already removed).
    /// Throws `WireError` for another protocol, another version, or a broken layout.
    public static func parse(_ frames: [[UInt8]]) throws(WireError) -> Envelope {
        guard frames.count >= 3 else {
            throw WireError(.malformed, "expected at least 3 frames (protocol, command, header), got \(frames.count)")
        }
        guard frames.count <= WireProtocol.maxFrames else {
            throw WireError(.tooLarge, "\(frames.count) frames, at most \(WireProtocol.maxFrames) allowed")
        }
        try checkTag(frames[0])
        guard (1...32).contains(frames[1].count), frames[1].allSatisfy({ (0x41...0x5A).contains($0) || $0 == 0x5F }),
              let command = String(bytes: frames[1], encoding: .ascii)
        else {
            throw WireError(.malformed, "frame 1 must be an upper-case ASCII command name")
        }
        guard frames[2].count <= WireProtocol.maxHeaderBytes else {
            throw WireError(.tooLarge, "header of \(frames[2].count) bytes, at most \(WireProtocol.maxHeaderBytes)")
        }
        return Envelope(command: command, header: Data(frames[2]), payload: Array(frames[3...]))
    }

    private static func checkTag(_ frame: [UInt8]) throws(WireError) {
        let prefix = Array("\(WireProtocol.name)/".utf8)
        guard frame.count > prefix.count, frame.count <= prefix.count + 9, frame.starts(with: prefix) else {
            throw WireError(.notCrossfold, "frame 0 is not a crossfold protocol tag")
        }
        let digits = frame[prefix.count...]
        guard digits.allSatisfy({ (0x30...0x39).contains($0) }),
              let version = Int(String(decoding: digits, as: UTF8.self))
        else {
            throw WireError(.notCrossfold, "frame 0 has no numeric protocol version")
        }
        guard version == WireProtocol.version else {
            throw WireError(
                .unsupportedVersion,
                "peer speaks crossfold/\(version), this process speaks \(WireProtocol.tag); "
                    + "run the same crossfold release on every host"
            )
        }
    }

    /// Decodes the JSON header as `T`, or throws `.malformed` naming the command.
    public func decodeHeader<T: Decodable>(_ type: T.Type) throws(WireError) -> T {
        try WireJSON.decode(type, from: header, command: command)
    }

    /// Decodes the JSON header as `T` with `read` (a reader without `Codable`, `TaskHeaders.swift`),
    /// or, where it gives nil, as `decodeHeader(_:)` does, with its error.
    func decodeHeader<T: Decodable>(_ type: T.Type, directly read: (Data) -> T?) throws(WireError) -> T {
        if let value = read(header) { return value }
        return try decodeHeader(type)
    }

    /// Requires exactly `count` payload frames.
    public func requirePayload(_ count: Int) throws(WireError) {
        guard payload.count == count else {
            throw WireError(.malformed, "\(command) carries \(count) binary frame(s), got \(payload.count)")
        }
    }
}

/// The JSON conventions of headers: snake_case keys, sorted, no pretty printing, slashes as they
/// are; the bytes `JSONEncoder` writes with `.convertToSnakeCase`, `.sortedKeys` and
/// `.withoutEscapingSlashes` (`WireJSONTests` compares them).
///
/// Written by `SortedJSONEncoder` and read by `ExactJSONDecoder` (the JSON module), not by
/// Foundation's coders, which took about a sixth of the coordinator's and the worker's CPU per
/// trivial task (docs/PERFORMANCE.md, Dispatch through a coordinator).
public enum WireJSON {
    private static let encoder = SortedJSONEncoder(pretty: false, keys: .snakeCase)
    private static let decoder = ExactJSONDecoder(keys: .snakeCase)

    public static func encode(_ value: some Encodable) -> Data {
        // Headers are plain structs of strings and finite numbers; encoding them cannot fail.
        (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, command: String) throws(WireError) -> T {
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw WireError(.malformed, "\(command) header does not fit its schema: \(Self.summary(of: error))")
        }
    }

    private static func summary(of error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context): "wrong type at \(path(context))"
        case DecodingError.valueNotFound(_, let context): "null at \(path(context))"
        case DecodingError.dataCorrupted(let context): "invalid JSON \(path(context))".trimmingCharacters(in: .whitespaces)
        default: "undecodable"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}
