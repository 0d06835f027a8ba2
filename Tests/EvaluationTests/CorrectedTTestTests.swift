import Evaluation
import Foundation
import Testing
import TestSupport

/// The corrected resampled t-test and Student's t tail (Sources/Evaluation/CorrectedTTest.swift,
/// StudentT.swift) against scipy on the same inputs.
@Suite struct CorrectedTTestTests {
    struct Case: Codable {
        let differences: [Double]
        let ratio: Double
    }

    struct Expected: Decodable {
        let t: Double
        let p: Double
    }

    /// Seeded differences of several lengths (folds × repeats of 2×1 up to 10×10), spreads and
    /// biases, some far from 0 (tiny p-values), some near it.
    static func cases() -> [Case] {
        var generator = CaseGenerator(seed: 17)
        var cases: [Case] = []
        for count in [2, 3, 5, 10, 20, 50, 100] {
            for bias in [0.0, 0.001, 0.01, 0.05] {
                let differences = (0..<count).map { _ in bias + 0.02 * (Double(generator.next() % 1_000_000) / 1_000_000 - 0.5) }
                cases.append(Case(differences: differences, ratio: 1 / Double(max(1, count / 2))))
            }
        }
        return cases
    }

    @Test func theStatisticAndPValueAreScipys() async throws {
        let cases = Self.cases()
        let script = #"""
        import sys, json
        import numpy as np
        from scipy import stats
        out = []
        for case in json.load(sys.stdin):
            d = np.array(case["differences"]); J = len(d)
            t = d.mean() / np.sqrt((1 / J + case["ratio"]) * d.var(ddof=1))
            out.append({"t": float(t), "p": float(2 * stats.t.sf(abs(t), J - 1))})
        print(json.dumps(out))
        """#
        let input = String(decoding: try JSONEncoder().encode(cases), as: UTF8.self)
        let output = try await PythonOracle.run(script, input: input, requiring: ["scipy", "numpy"])
        let expected = try JSONDecoder().decode([Expected].self, from: Data(output.utf8))
        try #require(expected.count == cases.count)
        for (index, (one, oracle)) in zip(cases, expected).enumerated() {
            let test = try #require(CorrectedTTest(differences: one.differences, testTrainRatio: one.ratio))
            let t = try #require(test.t)
            #expect(abs(t - oracle.t) <= 1e-12 * max(1, abs(oracle.t)), "case \(index): t \(t) vs scipy \(oracle.t)")
            #expect(abs(test.pValue - oracle.p) <= 1e-13 + 1e-9 * oracle.p, "case \(index): p \(test.pValue) vs scipy \(oracle.p)")
            #expect(test.degreesOfFreedom == one.differences.count - 1)
        }
    }

    @Test func theIncompleteBetaIsScipysBetainc() async throws {
        var points: [[Double]] = []
        for a in [0.5, 1, 2.5, 10, 50, 500] {
            for b in [0.5, 1, 3, 40] {
                for x in [0.0, 1e-6, 0.01, 0.2, 0.5, 0.8, 0.99, 1 - 1e-9, 1] { points.append([x, a, b]) }
            }
        }
        let output = try await PythonOracle.run(#"""
        import sys, json
        from scipy.special import betainc
        print(json.dumps([float(betainc(a, b, x)) for x, a, b in json.load(sys.stdin)]))
        """#, input: String(decoding: try JSONEncoder().encode(points), as: UTF8.self), requiring: ["scipy"])
        let expected = try JSONDecoder().decode([Double].self, from: Data(output.utf8))
        for (point, oracle) in zip(points, expected) {
            let value = StudentT.regularizedIncompleteBeta(point[0], a: point[1], b: point[2])
            #expect(abs(value - oracle) <= 1e-13 + 1e-10 * oracle, "I_\(point[0])(\(point[1]), \(point[2])): \(value) vs scipy \(oracle)")
        }
    }

    @Test func identicalOrConstantDifferencesHaveNoStatistic() throws {
        let same = try #require(CorrectedTTest(differences: [0, 0, 0, 0, 0], testTrainRatio: 0.25))
        #expect(same.t == nil && same.pValue == 1 && same.meanDifference == 0)
        let constant = try #require(CorrectedTTest(differences: [-0.01, -0.01, -0.01], testTrainRatio: 0.25))
        #expect(constant.t == nil && constant.pValue == 0)
        #expect(CorrectedTTest(differences: [0.1], testTrainRatio: 0.25) == nil)
        #expect(StudentT.twoSidedPValue(t: 0, degreesOfFreedom: 4) == 1)
        #expect(StudentT.twoSidedPValue(t: .infinity, degreesOfFreedom: 4) == 0)
    }
}

/// SplitMix64, seeded, so the cases are the same on every run.
struct CaseGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
