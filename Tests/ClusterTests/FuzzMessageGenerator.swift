import Foundation
import TestSupport
import Wire

/// The coordinator socket a fuzz message goes to.
enum FuzzTarget: String, Sendable, CaseIterable {
    case client, worker, data
}

/// What the fuzzer knows of the coordinator it attacks, so that many messages are valid enough to
/// reach the logic behind the decoders.
struct FuzzWorld: Sendable {
    /// A dataset the coordinator holds, its size in canonical bytes, rows and concepts.
    var dataset: String
    var datasetSize: Int
    var rows: Int
    var concepts: Int
    /// Held-out row counts of the folds of the jobs run beside the fuzz, for RESULTs of the right
    /// shape (sent only with attempt numbers never handed out).
    var foldSizes: [Int]
    /// Jobs run beside the fuzz, learned from TASKs: used in worker-socket junk, never cancelled.
    var jobs: [String] = []
    /// Jobs the fuzzer's own SUBMITs started (it cancels them).
    var ownJobs: [String] = []
    /// Uploads the fuzzer has under way: hash and declared size.
    var uploads: [(hash: String, size: Int)] = []
    /// Small valid canonical datasets the fuzzer may upload whole (with their hash).
    var uploadable: [(hash: String, bytes: [UInt8])] = []
}

/// One fuzz message: its frames (after the routing id) and a label for the statistics.
struct FuzzMessage: Sendable {
    var frames: [[UInt8]]
    var label: String
}

/// Builds random and mutated messages for the coordinator's sockets: valid messages of every
/// command, valid commands in the wrong state, absurd values, and mutations of every layer (frame
/// count, protocol tag, command, header members and bytes, binary frames).
struct FuzzMessageGenerator {
    var world: FuzzWorld

    static let clientCommands = ["INFO", "HAS", "UPLOAD", "SUBMIT", "JOBS", "STATUS", "CANCEL", "RESULTS"]
    static let workerCommands = ["READY", "HEARTBEAT", "PROGRESS", "RESULT", "FAILED", "HAVE", "DISCONNECT"]
    static let otherCommands = ["FETCH", "CHUNK", "MISSING", "TASK", "ERROR", "INFO_REPLY", "UPLOAD_ACK", "SUBMITTED", "X", "A_B"]
    static var allCommands: [String] { clientCommands + workerCommands + otherCommands }

    /// A message for `target`: usually a valid one (3 in 10), else one with a mutation.
    mutating func message(for target: FuzzTarget, using random: inout FuzzRandom) -> FuzzMessage {
        if random.chance(1, in: 20) { return FuzzMessage(frames: Self.randomFrames(using: &random), label: "random frames") }
        var (command, header, payload) = base(for: target, using: &random)
        var label = command
        var frames: [[UInt8]]
        switch random.below(10) {
        case 0, 1, 2:
            frames = Self.frames(command, header.bytes, payload)
        case 3, 4:
            let (mutated, what) = Self.mutateMembers(header, using: &random)
            header = mutated
            label += " " + what
            frames = Self.frames(command, header.bytes, payload)
        case 5:
            let mutated = ByteMutator(tokens: Self.jsonTokens).mutate(header.bytes, rounds: 1 + random.below(4), using: &random)
            label += " header bytes"
            frames = Self.frames(command, mutated.bytes, payload)
        case 6:
            label += " odd header"
            frames = Self.frames(command, Self.oddHeader(using: &random), payload)
        default:
            frames = Self.frames(command, header.bytes, payload)
            label += " " + Self.mutateFrames(&frames, using: &random)
        }
        return FuzzMessage(frames: frames, label: label)
    }

    static func frames(_ command: String, _ header: [UInt8], _ payload: [[UInt8]]) -> [[UInt8]] {
        [Array(WireProtocol.tag.utf8), Array(command.utf8), header] + payload
    }

    // MARK: Valid messages

    mutating func base(for target: FuzzTarget, using random: inout FuzzRandom) -> (String, FuzzJSON, [[UInt8]]) {
        switch target {
        case .client: clientBase(using: &random)
        case .worker: workerBase(using: &random)
        case .data: dataBase(using: &random)
        }
    }

    func request(_ random: inout FuzzRandom) -> (String, FuzzJSON) {
        ("request", .string("fuzz-\(random.below(1 << 20))"))
    }

    func hash(_ random: inout FuzzRandom) -> String {
        switch random.below(6) {
        case 0, 1: world.dataset
        case 2: String(repeating: "f", count: 64)
        case 3: world.uploads.isEmpty ? world.dataset : random.pick(world.uploads).hash
        default: (0..<4).map { _ in String(random.next(), radix: 16).leftPadded(16) }.joined()
        }
    }

    /// A job id: one of the fuzz's own jobs, or made up. The same random numbers are drawn
    /// whatever the fuzz has learned, so the sequence of messages depends on the seed alone.
    func job(_ random: inout FuzzRandom) -> String {
        let (choice, number) = (random.below(4), random.next())
        switch choice {
        case 0 where !world.ownJobs.isEmpty: return world.ownJobs[Int(number % UInt64(world.ownJobs.count))]
        case 1: return String(repeating: "0", count: 32)
        default: return String(number, radix: 16)
        }
    }

    mutating func clientBase(using random: inout FuzzRandom) -> (String, FuzzJSON, [[UInt8]]) {
        let command = random.pick(Self.clientCommands + ["UPLOAD", "UPLOAD", "SUBMIT", "SUBMIT"])
        switch command {
        case "INFO", "JOBS":
            return (command, .object([request(&random)]), [])
        case "HAS":
            return (command, .object([request(&random), ("dataset", .string(hash(&random)))]), [])
        case "UPLOAD":
            return upload(using: &random)
        case "SUBMIT":
            return ("SUBMIT", .object([request(&random), ("spec", spec(using: &random))]), [])
        case "RESULTS":
            return (command, .object([request(&random), ("job", .string(job(&random))), ("predictions", .bool(random.chance(1, in: 2)))]), [])
        default:
            return (command, .object([request(&random), ("job", .string(job(&random)))]), [])
        }
    }

    /// Uploads that start, continue with wrong offsets or sizes, overrun, or complete with bytes
    /// that do not hash to their name (or, rarely, a small valid dataset).
    mutating func upload(using random: inout FuzzRandom) -> (String, FuzzJSON, [[UInt8]]) {
        var hash = self.hash(&random)
        var size = random.int(in: 1...(1 << 26))
        var offset = 0
        var bytes = random.bytes(random.skewedSize(upTo: 4096))
        switch random.below(8) {
        case 0:
            // A new upload of random bytes under a random name.
            hash = (0..<4).map { _ in String(random.next(), radix: 16).leftPadded(16) }.joined()
            size = random.chance(1, in: 2) ? bytes.count + random.below(4096) : random.int(in: 1...(64 << 30) + 1)
            if world.uploads.count < 64 { world.uploads.append((hash, size)) }
        case 1 where !world.uploads.isEmpty:
            // The next chunk of one under way, at a plausible or a wrong offset, sometimes the last.
            let upload = random.pick(world.uploads)
            hash = upload.hash
            size = random.chance(1, in: 8) ? upload.size + 1 : upload.size
            offset = random.chance(1, in: 2) ? 0 : random.int(in: 0...upload.size)
            if random.chance(1, in: 3), upload.size - offset <= 1 << 16 {
                bytes = random.bytes(max(0, upload.size - offset))
            }
        case 2 where !world.uploadable.isEmpty:
            let dataset = random.pick(world.uploadable)
            hash = dataset.hash
            size = dataset.bytes.count
            bytes = dataset.bytes
        case 3:
            offset = random.pick([size, size + 1, Int.max - 4, Int.max, -1, Int.min])
        case 4:
            size = random.pick([0, -1, 64 << 30, (64 << 30) + 1, Int.max])
        default:
            break
        }
        let header = FuzzJSON.object([
            request(&random), ("dataset", .string(hash)), ("offset", .int(offset)), ("size", .int(size)),
        ])
        return ("UPLOAD", header, [bytes])
    }

    /// Specs for the held dataset with at least one absurd value, so the planner and the learner
    /// catalogue see them (a mutation may make one valid: the fuzzer cancels what it starts).
    func spec(using random: inout FuzzRandom) -> FuzzJSON {
        var members: [(String, FuzzJSON)] = [
            ("dataset", .string(random.chance(1, in: 8) ? hash(&random) : world.dataset)),
            ("dataset_name", .string(random.chance(1, in: 10) ? FuzzValues.string(using: &random) : "fuzz.csv")),
            ("split", .string(random.pick(["stratified", "random", "group", "multilabel", "nope", ""]))),
            ("folds", .int(random.int(in: 2...5))),
            ("repeats", .int(1)),
            ("seed", .uint(random.next())),
            ("model", .string(random.pick(["logistic", "knn", "centroid", "naive-bayes", "softmax", "command", "nope"]))),
            ("params", .object([])),
            ("threshold", .raw("0.5")),
        ]
        if random.chance(1, in: 6) { members.append(("holdout", .string(hash(&random)))) }
        let absurd: (String, FuzzJSON) = switch random.below(12) {
        case 0: ("folds", .raw(random.pick(["1000000000", "9223372036854775807", "151", "0", "1", "-5"])))
        case 1: ("repeats", .raw(random.pick(["1000000", "1000000000", "9223372036854775807", "0", "-1", "100000"])))
        case 2: ("repeats", .raw(random.pick(["50001", "1789570", "100001"])))  // past what the fuzzed core's 1 GiB holds with 2-5 folds, or past the plan limit
        case 3: ("threshold", .raw(random.pick(["2", "-1", "1e308", "1.0000001", "NaN"])))
        case 4: ("seed", .raw(random.pick(["-1", "18446744073709551616", "1.5", "\"7\""])))
        case 5: ("params", .object((0..<random.int(in: 1...40)).map { ("k\($0)", .string(FuzzValues.string(using: &random))) }))
        case 6: ("params", .object([(random.pick(["k", "iterations", "l2", "neighbours", "max_iterations"]),
                                     .string(random.pick(["1000000000", "-1", "1e308", "nan", "0", "99999999999999999999"])))]))
        case 7: ("model", .string(FuzzValues.string(using: &random)))
        case 8: ("split", .string("group"))
        case 9: ("folds", .raw("1000"))
        case 10: ("holdout", .string(world.dataset))
        default: ("repeats", .raw("1000000"))
        }
        members.removeAll { $0.0 == absurd.0 }
        members.append(absurd)
        return .object(members)
    }

    mutating func workerBase(using random: inout FuzzRandom) -> (String, FuzzJSON, [[UInt8]]) {
        let command = random.pick(Self.workerCommands + ["RESULT", "RESULT", "FAILED", "PROGRESS"])
        let jobs = world.jobs + world.ownJobs
        func ref(_ random: inout FuzzRandom) -> [(String, FuzzJSON)] {
            let (known, number, madeUp) = (random.chance(2, in: 3), random.next(), self.job(&random))
            let job = known && !jobs.isEmpty ? jobs[Int(number % UInt64(jobs.count))] : madeUp
            return [
                ("job", .string(job)),
                ("task", .int(random.chance(3, in: 4) ? random.below(max(1, world.foldSizes.count) + 1) : random.pick([-1, 1 << 40, Int.max]))),
                ("attempt", .int(random.pick([0, -1, 4, 7, 1000, Int.max, Int.min, 1, 2, 3]))),
            ]
        }
        switch command {
        case "READY":
            // Never a valid one from these peers: slots, threads or cached are out of range.
            let bad = random.below(3)
            return (command, .object([
                ("name", .string(FuzzValues.string(using: &random))),
                ("slots", .int(bad == 0 ? random.pick([0, -1, 1025, Int.max]) : 1)),
                ("threads", .int(bad == 1 ? random.pick([0, -1, 1025]) : 1)),
                ("cached", .array(bad == 2
                    ? (0..<random.pick([1, 513, 600])).map { _ in .string(random.chance(1, in: 2) ? "nothex" : world.dataset) }
                        + [.string("NOT A HASH")]
                    : [])),
                ("software", .string("fuzz")),
            ]), [])
        case "HEARTBEAT":
            return (command, .object([]), [])
        case "PROGRESS":
            return (command, .object(ref(&random)), [])
        case "RESULT":
            var rows = random.pick(world.foldSizes.isEmpty ? [30] : world.foldSizes)
            var concepts = world.concepts
            switch random.below(5) {
            case 0: rows = random.int(in: 0...200)
            case 1: concepts = random.pick([0, -1, 1, 2, 1000])
            case 2: rows = random.pick([Int(Int32.max), Int.max, -1, 1 << 31])
            default: break
            }
            let count = rows > 0 && concepts > 0 && rows <= 4096 && concepts <= 4096 ? rows * concepts : random.below(64)
            var scores = BinaryArrays.bytes((0..<max(0, count)).map { _ in Float(random.below(1000)) / 1000 })
            if random.chance(1, in: 5) { scores.removeLast(min(scores.count, random.int(in: 1...7))) }
            return (command, .object(ref(&random) + [
                ("rows", .int(rows)), ("concepts", .int(concepts)), ("seconds", .raw(random.pick(["0.1", "-1", "1e308", "0"]))),
            ]), [scores])
        case "FAILED":
            return (command, .object(ref(&random) + [
                ("kind", .string(random.pick(["learner", "dataset", "internal", "bogus", ""]))),
                ("message", .string(FuzzValues.string(using: &random))),
            ]), [])
        case "HAVE":
            return (command, .object([("dataset", .string(hash(&random)))]), [])
        default:
            return (command, .object([("reason", .string(FuzzValues.string(using: &random)))]), [])
        }
    }

    func dataBase(using random: inout FuzzRandom) -> (String, FuzzJSON, [[UInt8]]) {
        let size = world.datasetSize
        let offset = random.pick([0, 0, random.below(max(1, size)), size - 1, size, size + 1, 1 << 40, Int.max, -1, Int.min])
        let length = random.pick([1, 1, 1 << 10, 1 << 16, 1 << 20, 4 << 20, (4 << 20) + 1, 0, -1, Int.max])
        return ("FETCH", .object([("dataset", .string(hash(&random))), ("offset", .int(offset)), ("length", .int(length))]), [])
    }

    // MARK: Mutations

    static let jsonTokens = [
        "{", "}", "[", "]", "\"", ":", ",", "null", "true", "-", "1e999", "\\u0000", "\\ud800", "\u{0}", "\u{FF}",
        "9223372036854775808", "-9223372036854775809", "NaN", "\"request\":", "\"job\":", "\"spec\":{",
    ]

    /// Changes the header's members: a value replaced by one of any type, a member dropped, an
    /// unknown member added, or a key given twice.
    static func mutateMembers(_ header: FuzzJSON, using random: inout FuzzRandom) -> (FuzzJSON, String) {
        guard var members = header.members else { return (header, "unchanged") }
        switch random.below(5) {
        case 0...1 where !members.isEmpty:
            let index = random.below(members.count)
            if case .object = members[index].1, random.chance(1, in: 2) {
                let (inner, what) = mutateMembers(members[index].1, using: &random)
                members[index].1 = inner
                return (.object(members), "\(members[index].0).\(what)")
            }
            members[index].1 = FuzzValues.any(using: &random)
            return (.object(members), "\(members[index].0) retyped")
        case 2 where !members.isEmpty:
            let removed = members.remove(at: random.below(members.count))
            return (.object(members), "without \(removed.0)")
        case 3 where !members.isEmpty:
            let index = random.below(members.count)
            members.append((members[index].0, FuzzValues.any(using: &random)))
            return (.object(members), "\(members[index].0) twice")
        default:
            members.insert((FuzzValues.string(using: &random), FuzzValues.any(using: &random)), at: random.below(members.count + 1))
            return (.object(members), "unknown member")
        }
    }

    /// Headers that are not a small JSON object: nested tens of thousands deep, over 64 KiB,
    /// empty, not UTF-8, or another JSON type.
    static func oddHeader(using random: inout FuzzRandom) -> [UInt8] {
        switch random.below(8) {
        case 0: return FuzzValues.nested(depth: random.int(in: 100...32_000))
        case 1: return FuzzValues.repeated(Array("{\"a\":".utf8), count: random.int(in: 100...10_000))
        case 2: return Array("{\"request\":\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024) + Array("\"}".utf8)
        case 3: return []
        case 4: return [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]
        case 5: return Array(random.pick(["[]", "null", "1", "\"{}\"", "{}", "{}{}", "{\"a\":1,}", " "]).utf8)
        case 6: return random.bytes(random.skewedSize(upTo: 512))
        default: return Array("{\"request\":\"r\",\"dataset\":\"\(String(repeating: "a", count: 64))\"".utf8)
        }
    }

    /// Mutates the frame layer; returns what it did.
    static func mutateFrames(_ frames: inout [[UInt8]], using random: inout FuzzRandom) -> String {
        while frames.count < 3 { frames.append([]) }
        switch random.below(9) {
        case 0:
            let tag = random.pick([
                "crossfold/2", "crossfold/0", "crossfold/", "crossfold/01", "crossfold/99999999999999999999",
                "crossfold/1 ", "Crossfold/1", "", "crossfold/-1", "crossfold/1\u{0}", "zmtp/3",
            ])
            frames[0] = Array(tag.utf8)
            return "tag \(tag)"
        case 1:
            let command = random.pick(allCommands + ["ready", "", String(repeating: "A", count: 33), "READY\u{0}", "R3ADY", "TASK "])
            frames[1] = Array(command.utf8)
            return "as \(command)"
        case 2:
            let index = random.below(frames.count)
            frames.remove(at: index)
            return "frame \(index) dropped"
        case 3:
            let index = random.below(frames.count)
            frames.insert(frames[index], at: index)
            return "frame \(index) twice"
        case 4:
            let extra = random.pick([1, 2, 5, 136, 137, 200])
            for _ in 0..<extra { frames.append(random.bytes(random.skewedSize(upTo: 64))) }
            return "\(extra) frames more"
        case 5 where frames.count > 3:
            let index = 3 + random.below(frames.count - 3)
            let cut = random.below(frames[index].count + 1)
            frames[index].removeLast(frames[index].count - cut)
            return "payload truncated to \(cut)"
        case 6 where frames.count > 3:
            let index = 3 + random.below(frames.count - 3)
            frames[index] += random.bytes(random.pick([1, 3, 4, 4096]))
            return "payload extended"
        case 7:
            frames.swapAt(random.below(frames.count), random.below(frames.count))
            return "frames swapped"
        default:
            frames = Array(frames.prefix(random.below(3)))
            return "cut to \(frames.count) frames"
        }
    }

    /// Random frames; one message in 2,000 or so has a frame over the data socket's 4 MiB + 64 KiB
    /// limit, which makes libzmq drop the sender's connection (it reconnects).
    static func randomFrames(using random: inout FuzzRandom) -> [[UInt8]] {
        if random.chance(1, in: 100) {
            return [Array(WireProtocol.tag.utf8), Array("UPLOAD".utf8), [], [UInt8](repeating: 0x41, count: (4 << 20) + (64 << 10) + 1)]
        }
        return (0..<(1 + random.below(12))).map { _ in random.bytes(random.chance(1, in: 200) ? 65_536 : random.skewedSize(upTo: 64)) }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
