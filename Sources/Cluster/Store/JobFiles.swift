import Foundation
import Wire

/// The JSON files of a job's directory in the directory store: `spec.json`, written once when the
/// job is accepted, and `state`, rewritten at each change. Snake-case keys like the wire protocol,
/// indented and sorted so `cat` shows them plainly.
enum JobFiles {
    static let spec = "spec.json"
    static let state = "state"
    static let metrics = "metrics.json"
    static let predictions = "predictions.bin"
    static let results = "results"
    static let attempts = "attempts.json"

    /// `spec.json`: what was submitted, by which request, and when.
    struct Spec: Codable, Equatable {
        var format: Int
        var id: String
        var request: String?
        var createdAt: Double
        var spec: JobSpec
        /// The submitting client key's allowlist name (absent without keys, and in files written
        /// before owners were recorded: such jobs are for administrators only).
        var owner: String?
    }

    /// `state`: where the job stands.
    struct State: Codable, Equatable {
        var state: JobState
        var message: String?
        var finishedAt: Double?
    }

    /// `attempts.json`: per task (its index as a string), the attempts it lost and the last cause.
    struct Attempts: Codable, Equatable {
        var tasks: [String: LostAttempts]
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // The types encoded here hold only strings, numbers and enums, which always encode.
        return Array((try? encoder.encode(value)) ?? Data()) + [0x0A]
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(type, from: Data(bytes))
    }

    static func specFile(of job: StoredJob) -> Spec {
        Spec(format: 1, id: job.id, request: job.request, createdAt: job.createdAt, spec: job.spec, owner: job.owner)
    }

    static func stateFile(of job: StoredJob) -> State {
        State(state: job.state, message: job.message, finishedAt: job.finishedAt)
    }

    /// Job ids become directory names: only letters, digits, `-` and `_`, at most 128 of them.
    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 128 && id.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x5F
        }
    }

    /// Dataset hashes become file names: 64 lowercase hex digits.
    static func isValidHash(_ hash: String) -> Bool {
        hash.utf8.count == 64 && hash.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
