import Datasets
import Foundation
import Synchronization
import Testing
import TestSupport

/// The canonical decoder takes bytes from network peers and from disk: seeded mutations of valid
/// canonical bytes (byte havoc, and header fields set to edge values) must decode or throw
/// `DatasetError`, never crash or allocate what the header merely claims; and whatever decodes
/// must re-encode to exactly the bytes it came from (docs/CANONICAL-FORMAT.md).
@Suite struct FuzzCanonicalDecodeTests {
    static let seed = FuzzDatasetFileTests.seed
    static let cases = 40_000

    static var seeds: [[UInt8]] {
        let exclusive = GaussianClusters.make(rows: 24, features: 3, concepts: 3, seed: 5)
        let multiLabel = Dataset(
            featureCount: 2, features: (0..<12).map { Float($0) - 5.5 }, concepts: ["a", "b", "ü"],
            labels: [1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1], ids: ["x", "y", "z", "w", "v", "u"],
            groups: ["g1", "g1", "g2", "g2", "", "g3"], isMultiLabel: true)
        return [CanonicalDataset.encode(exclusive), CanonicalDataset.encode(multiLabel)]
    }

    /// Offsets of the header's fields and their widths (docs/CANONICAL-FORMAT.md).
    static let headerFields: [(offset: Int, width: Int)] = [(8, 4), (12, 4), (16, 8), (24, 8), (32, 8), (40, 8), (48, 8), (56, 8)]

    static func mutate(_ bytes: [UInt8], using random: inout FuzzRandom) -> (bytes: [UInt8], steps: [String]) {
        var bytes = bytes
        var steps: [String] = []
        if random.chance(1, in: 2) {
            let field = random.pick(headerFields)
            let value = random.pick([
                0, 1, 2, 3, 4, 7, 8, 64, 0xFF, 0xFFFF_FFFF, 1 << 32, 1 << 40, 1 << 61, 1 << 62, UInt64(Int64.max),
                UInt64(Int64.max) + 1, UInt64.max, UInt64(bytes.count), UInt64(bytes.count) / 4,
            ] as [UInt64])
            for index in 0..<field.width { bytes[field.offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
            steps.append("header field at \(field.offset) = \(value)")
        }
        if steps.isEmpty || random.chance(1, in: 2) {
            let mutated = ByteMutator().mutate(bytes, rounds: 1 + random.skewedSize(upTo: 6), using: &random)
            bytes = mutated.bytes
            steps += mutated.steps
        }
        return (bytes, steps)
    }

    /// One heavy test at a time (`ExclusiveTests`); the limit includes waiting for the others.
    @Test(.timeLimit(.minutes(15)))
    func mutatedCanonicalBytesDecodeToTheSameBytesOrThrowADatasetError() async throws {
        try await ExclusiveTests.run { try await runMutatedCanonicalBytesDecodeToTheSameBytesOrThrowADatasetError() }
    }

    private func runMutatedCanonicalBytesDecodeToTheSameBytesOrThrowADatasetError() async throws {
        let (seed, count, seeds) = (Self.seed, Self.cases, Self.seeds)
        let outcomes = Mutex<[String: Int]>([:])
        let problems = Mutex<[String]>([])
        let report = await FuzzWatchdog.run(count: count, limit: .seconds(5)) { index in
            var random = FuzzRandom(seed: FuzzRandom.caseSeed(seed, index))
            let (bytes, steps) = Self.mutate(seeds[index % seeds.count], using: &random)
            do throws(DatasetError) {
                let dataset = try CanonicalDataset.decode(bytes, file: "case \(index)")
                if CanonicalDataset.encode(dataset) != bytes {
                    problems.withLock { $0.append("case \(index) (\(steps.joined(separator: "; "))): decoded but re-encodes differently") }
                }
                outcomes.withLock { $0["decoded", default: 0] += 1 }
            } catch {
                outcomes.withLock { $0[error.rule.rawValue, default: 0] += 1 }
            }
        }
        if let hung = report.hung { Issue.record("seed \(seed): canonical case \(hung) ran past 5 s") }
        for problem in problems.withLock({ $0 }).prefix(20) { Issue.record("seed \(seed): \(problem)") }
        #expect(report.completed == count)
        let counts = outcomes.withLock { $0 }
        print("fuzz canonical: seed \(seed), \(report.completed) byte strings in \(report.elapsed); \(counts.sorted { $0.key < $1.key })")
        #expect((counts["decoded"] ?? 0) > 0 && (counts["malformed"] ?? 0) > 0)
    }

    /// The same through files (`DatasetReader` reads `.cfds` straight into storage, another path).
    /// One heavy test at a time (`ExclusiveTests`); the limit includes waiting for the others.
    @Test(.timeLimit(.minutes(15)))
    func mutatedCanonicalFilesLoadOrThrowADatasetError() async throws {
        try await ExclusiveTests.run { try await runMutatedCanonicalFilesLoadOrThrowADatasetError() }
    }

    private func runMutatedCanonicalFilesLoadOrThrowADatasetError() async throws {
        let scratch = try Scratch()
        let directory = scratch.directory
        let (seed, seeds) = (Self.seed, Self.seeds)
        let problems = Mutex<[String]>([])
        let loaded = Mutex(0)
        let report = await FuzzWatchdog.run(count: 2_000, limit: .seconds(5)) { index in
            var random = FuzzRandom(seed: FuzzRandom.caseSeed(seed ^ 0xF11E, index))
            let (bytes, steps) = Self.mutate(seeds[index % seeds.count], using: &random)
            let path = "\(directory)/case-\(index).cfds"
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let dataset = try DatasetReader.load(path: path)
                loaded.withLock { $0 += 1 }
                if CanonicalDataset.encode(dataset) != bytes {
                    problems.withLock { $0.append("file case \(index) (\(steps.joined(separator: "; "))): re-encodes differently") }
                }
            } catch is DatasetError {
            } catch {
                problems.withLock { $0.append("file case \(index): \(error)") }
            }
            unlink(path)
        }
        if let hung = report.hung { Issue.record("seed \(seed): canonical file case \(hung) ran past 5 s") }
        for problem in problems.withLock({ $0 }).prefix(20) { Issue.record("seed \(seed): \(problem)") }
        #expect(report.completed == 2_000)
        #expect(loaded.withLock { $0 } > 0)
    }
}
