import Datasets
import Foundation
import TestSupport

/// One generated hostile file: a seed file with seeded mutations, and what was done to it.
struct FuzzDatasetCase: Sendable {
    let index: Int
    let file: FuzzFile
    let steps: [String]

    /// The case `index` of the run seeded `seed`; the same pair always gives the same file.
    static func make(seed: UInt64, index: Int) -> FuzzDatasetCase {
        var random = FuzzRandom(seed: FuzzRandom.caseSeed(seed, index))
        let seeds = FuzzSeedFiles.all
        var file = seeds[index % seeds.count]
        var steps: [String] = []
        let rounds = 1 + random.skewedSize(upTo: 8)
        switch file.format {
        case "csv":
            if random.chance(1, in: 40) { steps.append(overlongLine(&file.bytes, using: &random)) }
            let mutated = ByteMutator(tokens: FuzzSeedFiles.csvTokens).mutate(file.bytes, rounds: rounds, using: &random)
            file.bytes = mutated.bytes
            steps += mutated.steps
        case "jsonl":
            if random.chance(1, in: 40) { steps.append(overlongLine(&file.bytes, using: &random)) }
            if random.chance(1, in: 20) { steps.append(deepNesting(&file.bytes, using: &random)) }
            let mutated = ByteMutator(tokens: FuzzSeedFiles.jsonTokens).mutate(file.bytes, rounds: rounds, using: &random)
            file.bytes = mutated.bytes
            steps += mutated.steps
        default:
            steps += mutateNPY(&file, rounds: rounds, using: &random)
        }
        return FuzzDatasetCase(index: index, file: file, steps: steps)
    }

    var summary: String { "case \(index) (\(file.format)): " + steps.joined(separator: "; ") }

    /// Writes the case into `directory` as `case-<index>.<format>` with its side files; returns the
    /// main file's path.
    func write(into directory: String) throws -> String {
        let stem = "\(directory)/case-\(index)"
        try Data(file.bytes).write(to: URL(fileURLWithPath: "\(stem).\(file.format)"))
        for (suffix, bytes) in file.sideFiles {
            try Data(bytes).write(to: URL(fileURLWithPath: "\(stem).\(suffix)"))
        }
        return "\(stem).\(file.format)"
    }

    func remove(from directory: String) {
        let stem = "\(directory)/case-\(index)"
        unlink("\(stem).\(file.format)")
        for suffix in file.sideFiles.keys { unlink("\(stem).\(suffix)") }
    }

    /// A line of up to 4 MB (digits, which the number parser must not choke on, or letters).
    private static func overlongLine(_ bytes: inout [UInt8], using random: inout FuzzRandom) -> String {
        let length = 1 << random.int(in: 16...22)
        let byte = random.pick([UInt8(ascii: "9"), UInt8(ascii: "0"), UInt8(ascii: "a"), UInt8(ascii: " ")])
        let at = random.below(bytes.count + 1)
        bytes.insert(contentsOf: [UInt8](repeating: byte, count: length), at: at)
        return "insert \(length) × byte \(byte) at \(at)"
    }

    /// Arrays or objects nested thousands deep, where the reader skips unknown members.
    private static func deepNesting(_ bytes: inout [UInt8], using random: inout FuzzRandom) -> String {
        let depth = random.int(in: 60...100_000)
        let nested = random.chance(1, in: 2)
            ? String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            : String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
        let member = Array("\"deep\":\(nested),".utf8)
        // Right after the first '{' of a line: a member of the input object, skipped by the reader.
        let starts = bytes.indices.filter { bytes[$0] == UInt8(ascii: "{") && ($0 == 0 || bytes[$0 - 1] == 0x0A) }
        let at = (starts.isEmpty ? 0 : random.pick(starts) + 1)
        bytes.insert(contentsOf: member, at: min(at, bytes.count))
        return "nest \(depth) deep at \(at)"
    }

    /// NPY: the header's claims (shape, descr, order, length, version) or its bytes, the data, or a
    /// side file.
    private static func mutateNPY(_ file: inout FuzzFile, rounds: Int, using random: inout FuzzRandom) -> [String] {
        let headerEnd = npyHeaderEnd(file.bytes)
        switch random.below(6) {
        case 0:
            let shape = random.pick([
                "(4611686018427387904, 4)", "(9223372036854775807, 9223372036854775807)", "(0, 9223372036854775807)",
                "(30,)", "(2, 3, 5)", "(-1, 4)", "(30, 0)", "()", "(0, 4)", "(31, 4)", "(29, 4)", "(30, 5)",
                "(60, 2)", "(2305843009213693952, 2)", "(4294967296, 4294967296)", "(30, 4, )", "(30 4)",
            ])
            let descr = random.pick(["<f4", "<f8", "<i4", "|u1", "<f2", ">f4", "<c8", "O", "<U3", ""])
            let fortran = random.chance(1, in: 5)
            let version = random.pick([UInt8(1), 2, 3])
            let data = Array(file.bytes[min(headerEnd, file.bytes.count)...])
            file.bytes = NPYBytes.file(descr: descr, fortranOrder: fortran, shape: shape, data: data, version: version)
            return ["header descr \(descr) fortran \(fortran) shape \(shape) version \(version)"]
        case 1:
            // The header length field: past the file, zero, 2^32 - 1 (version 2), odd values.
            let version = random.pick([UInt8(1), 2, 3, 0, 4, 255])
            let length = random.pick([0, 1, 63, 0xFFFF, 0x1_0000, 0xFF_FFFF, 0xFFFF_FFFF, 1 << 20, (1 << 20) + 1, 118])
            var bytes = file.bytes
            if bytes.count > 12 {
                bytes[6] = version
                for index in 0..<4 { bytes[8 + index] = UInt8(truncatingIfNeeded: length >> (8 * index)) }
            }
            file.bytes = bytes
            return ["version \(version) header length \(length)"]
        case 2:
            // The header text only.
            let header = Array(file.bytes[..<min(headerEnd, file.bytes.count)])
            let mutated = ByteMutator(tokens: FuzzSeedFiles.npyHeaderTokens).mutate(header, rounds: rounds, using: &random)
            file.bytes = mutated.bytes + file.bytes[min(headerEnd, file.bytes.count)...]
            return ["header: " + mutated.steps.joined(separator: ", ")]
        case 3:
            let suffix = random.pick(file.sideFiles.keys.sorted() + ["groups.txt"])
            let side = file.sideFiles[suffix] ?? Array((0..<30).map { "g\($0 % 3)" }.joined(separator: "\n").utf8)
            let mutated = ByteMutator(tokens: FuzzSeedFiles.csvTokens).mutate(side, rounds: rounds, using: &random)
            if random.chance(1, in: 8) {
                file.sideFiles[suffix] = nil
                return ["remove \(suffix)"]
            }
            file.sideFiles[suffix] = mutated.bytes
            return ["\(suffix): " + mutated.steps.joined(separator: ", ")]
        default:
            let mutated = ByteMutator().mutate(file.bytes, rounds: rounds, using: &random)
            file.bytes = mutated.bytes
            return mutated.steps
        }
    }

    /// Where the matrix starts in a well-formed NPY file (the header end), or the file's end.
    static func npyHeaderEnd(_ bytes: [UInt8]) -> Int {
        guard bytes.count >= 12 else { return bytes.count }
        if bytes[6] == 1 { return 10 + Int(bytes[8]) + Int(bytes[9]) << 8 }
        return 12 + Int(bytes[8]) + Int(bytes[9]) << 8 + Int(bytes[10]) << 16 + Int(bytes[11]) << 24
    }
}
