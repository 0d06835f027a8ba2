@testable import crossfold
import Datasets
import Testing

/// How a dataset's warnings are logged: a few thin concepts one line each, many in a few lines.
@Suite struct DatasetWarningsTests {
    /// `positives[c]` rows of concept `c`, one concept per row.
    static func dataset(_ positives: [Int]) -> Dataset {
        let concepts = positives.indices.map { "c\($0 < 10 ? "0" : "")\($0)" }
        var labels: [UInt8] = []
        for (concept, count) in positives.enumerated() {
            for _ in 0..<count { labels += positives.indices.map { $0 == concept ? 1 : 0 } }
        }
        let rows = positives.reduce(0, +)
        return Dataset(featureCount: 1, features: [Float](repeating: 0, count: rows), concepts: concepts, labels: labels,
                       ids: (0..<rows).map { "r\($0)" }, isMultiLabel: false)
    }

    static func lines(_ positives: [Int], role: DatasetRole = .training) throws -> [String] {
        let data = dataset(positives)
        let warnings = try DatasetValidator.validate(data, file: "d.csv")
        return DatasetWarnings.lines(warnings, of: data, file: "d.csv", role: role)
    }

    @Test func upToFiveThinConceptsGetALineEach() throws {
        let lines = try Self.lines([10, 20, 30, 40, 45, 60])
        #expect(lines.count == 5)
        #expect(lines[0] == "d.csv: concept \"c00\" has 10 positive inputs; Clarifai recommends at least 50 "
            + "(warning few-inputs-per-concept). Its metrics will vary a lot from fold to fold; label more inputs with it.")
    }

    @Test func manyThinConceptsGetThreeLinesAndOneForTheRest() throws {
        let lines = try Self.lines([60] + (0..<30).map { 10 + $0 })
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("d.csv: concept \"c01\" has 10 positive inputs"))
        #expect(lines[2].hasPrefix("d.csv: concept \"c03\" has 12 positive inputs"))
        #expect(lines[3] == "d.csv: 27 more concepts have fewer than 50 positive inputs (13–39 each), 30 in all "
            + "(warning few-inputs-per-concept). Their metrics will vary a lot from fold to fold; "
            + "`crossfold dataset inspect d.csv` lists every concept's count.")
    }

    @Test func conceptsOfOneCountSayItOnce() throws {
        let lines = try Self.lines([60] + [Int](repeating: 10, count: 8))
        #expect(lines.last?.hasPrefix("d.csv: 5 more concepts have fewer than 50 positive inputs (10 each), 8 in all") == true)
    }

    @Test func aHoldoutsThinConceptsAreOneLineWhateverTheirNumber() throws {
        let lines = try Self.lines([60] + (0..<30).map { 10 + $0 }, role: .holdout)
        #expect(lines.count == 1)
        #expect(lines[0].hasPrefix("d.csv (the holdout): 30 concepts have fewer than 50 positive inputs (c01: 10, "))
    }
}
