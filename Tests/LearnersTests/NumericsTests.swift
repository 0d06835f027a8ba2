import Datasets
import Foundation
import Testing

@testable import Learners

/// The internal numerical kernels, checked against double-precision references.
@Suite struct NumericsTests {
    @Test func expMatchesTheLibraryToAFewUlps() {
        var worst: Double = 0
        for i in 0...87_000 {
            let x = -Float(i) / 1000
            let reference = exp(Double(x))
            worst = max(worst, abs(Double(LogisticMath.expNonPositive(x)) - reference) / reference)
        }
        #expect(worst < 3e-7)
        #expect(LogisticMath.expNonPositive(-1000) > 0)
    }

    @Test func log1pKeepsPrecisionForTinyArguments() {
        var worstAbsolute: Double = 0
        for i in 0...100_000 {
            let t = Float(i) / 100_000
            worstAbsolute = max(worstAbsolute, abs(Double(LogisticMath.log1pUnit(t)) - log1p(Double(t))))
        }
        #expect(worstAbsolute < 1.5e-7)
        for exponent in stride(from: -38.0, through: -1.0, by: 1) {
            let t = Float(pow(10, exponent))
            let relative = abs(Double(LogisticMath.log1pUnit(t)) - log1p(Double(t))) / log1p(Double(t))
            #expect(relative < 3e-7)
        }
    }

    @Test func binaryLossAndResidualMatchTheirDefinitions() {
        let scores: [Float] = [-40, -5, -0.5, 0, 0.25, 3, 30]
        let targets: [UInt8] = [0, 1, 0, 1, 1, 0, 1]
        var residuals = scores
        var loss = [Float](repeating: 0, count: scores.count)
        residuals.withUnsafeMutableBufferPointer { r in
            targets.withUnsafeBufferPointer { y in
                loss.withUnsafeMutableBufferPointer { l in
                    LogisticMath.binaryLoss(
                        scoresToResiduals: r.baseAddress!, targets: y.baseAddress!, loss: l.baseAddress!, count: 7
                    )
                }
            }
        }
        for i in scores.indices {
            let z = Double(scores[i])
            let y = Double(targets[i])
            let expectedLoss = max(z, 0) + log1p(exp(-abs(z))) - y * z
            let expectedResidual = 1 / (1 + exp(-z)) - y
            #expect(abs(Double(loss[i]) - expectedLoss) <= 2e-7 * max(1, expectedLoss))
            #expect(abs(Double(residuals[i]) - expectedResidual) <= 2e-7)
        }
    }

    @Test func softmaxColumnsNormalisesAndReturnsLogSumExp() {
        // Two classes × three rows, class-major.
        var z: [Float] = [1, -2, 50, 3, -2, 49]
        var lse = [Float](repeating: 0, count: 3)
        var scratch = [Float](repeating: 0, count: 3)
        z.withUnsafeMutableBufferPointer { z in
            lse.withUnsafeMutableBufferPointer { l in
                scratch.withUnsafeMutableBufferPointer { s in
                    LogisticMath.softmaxColumns(z.baseAddress!, classes: 2, rows: 3, logSumExp: l.baseAddress!, top: s.baseAddress!)
                }
            }
        }
        let columns: [(Double, Double)] = [(1, 3), (-2, -2), (50, 49)]
        for (i, (a, b)) in columns.enumerated() {
            let reference = max(a, b) + log(exp(a - max(a, b)) + exp(b - max(a, b)))
            #expect(abs(Double(lse[i]) - reference) < 1e-6 * max(1, abs(reference)))
            #expect(abs(Double(z[i]) - exp(a - reference)) < 1e-6)
            #expect(abs(Double(z[3 + i]) - exp(b - reference)) < 1e-6)
        }
    }

    @Test func lbfgsMinimisesAnIllConditionedQuadratic() {
        // f(x) = ½ Σ a_i (x_i − 1)², condition number 1000.
        let a = (0..<20).map { pow(1000, Double($0) / 19) }
        var minimizer = LBFGS(
            start: [Double](repeating: 0, count: 20), gradientTolerance: 1e-9, valueTolerance: 0, maxIterations: 500
        )
        var evaluations = 0
        while minimizer.status == .running {
            let x = minimizer.trial
            let value = zip(a, x).reduce(0) { $0 + 0.5 * $1.0 * ($1.1 - 1) * ($1.1 - 1) }
            minimizer.receive(value: value, gradient: zip(a, x).map { $0 * ($1 - 1) })
            evaluations += 1
        }
        #expect(minimizer.status == .converged)
        #expect(minimizer.point.allSatisfy { abs($0 - 1) < 1e-8 })
        // scipy's L-BFGS-B (10 pairs) needs 263 iterations and 282 evaluations on this problem.
        #expect(evaluations < 350, "iterations \(minimizer.iterations)")
    }

    @Test func lbfgsMinimisesRosenbrock() {
        var minimizer = LBFGS(start: [-1.2, 1], gradientTolerance: 1e-8, valueTolerance: 0, maxIterations: 1000)
        while minimizer.status == .running {
            let x = minimizer.trial[0], y = minimizer.trial[1]
            let value = 100 * (y - x * x) * (y - x * x) + (1 - x) * (1 - x)
            let gradient = [-400 * x * (y - x * x) - 2 * (1 - x), 200 * (y - x * x)]
            minimizer.receive(value: value, gradient: gradient)
        }
        #expect(minimizer.status == .converged)
        #expect(abs(minimizer.point[0] - 1) < 1e-6)
        #expect(abs(minimizer.point[1] - 1) < 1e-6)
    }

    @Test func lbfgsStopsAtTheIterationLimit() {
        var minimizer = LBFGS(start: [5, 5], gradientTolerance: 1e-12, maxIterations: 3)
        while minimizer.status == .running {
            let x = minimizer.trial
            minimizer.receive(value: x[0] * x[0] + 10 * x[1] * x[1], gradient: [2 * x[0], 20 * x[1]])
        }
        #expect(minimizer.status == .iterationLimit)
        #expect(minimizer.iterations == 3)
    }

    @Test func chunkedProductEqualsTheDirectSum() {
        // Inner dimension 700 goes to sgemm in chunks of 256; compare with a double-precision sum.
        let m = 3, n = 4, k = 700
        let a = (0..<(m * k)).map { Float(($0 * 37) % 101) / 101 - 0.5 }
        let b = (0..<(k * n)).map { Float(($0 * 53) % 97) / 97 - 0.5 }
        var c = [Float](repeating: 7, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    MatrixProduct.multiply(
                        a.baseAddress!, lda: k, b.baseAddress!, ldb: n, into: c.baseAddress!, ldc: n, m: m, n: n, k: k
                    )
                }
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for l in 0..<k { sum += Double(a[i * k + l]) * Double(b[l * n + j]) }
                #expect(abs(Double(c[i * n + j]) - sum) < 1e-4)
            }
        }
    }

    /// One pass over `x − first row` gives the two-pass moments, also far from the origin.
    @Test(arguments: [0.0, 1000, 100_000])
    func standardizingMatchesPopulationMoments(offset: Double) {
        let dataset = SyntheticData.clusters(classes: 2, perClass: 20, features: 3, offset: offset)
        let rows = Array(stride(from: 0, to: 40, by: 3))
        let scaling = FeatureScaling.standardizing(RowView(dataset: dataset, rows: rows))
        for j in 0..<3 {
            let values = rows.map { Double(dataset.features[$0 * 3 + j]) }
            let mean = values.reduce(0, +) / Double(values.count)
            let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            #expect(abs(Double(scaling.mean[j]) - mean) <= max(1e-6, abs(mean) * 1e-7))
            #expect(abs(Double(scaling.inverseScale[j]) - 1 / deviation) < 1e-6 / deviation)
        }
    }

    @Test func aConstantFeatureKeepsScaleOne() {
        let rows = 5
        let dataset = Dataset(
            featureCount: 2, features: (0..<rows).flatMap { [Float(123_456.7), Float($0)] },
            concepts: ["a"], labels: [UInt8](repeating: 1, count: rows), ids: (0..<rows).map { "r\($0)" },
            isMultiLabel: false)
        let scaling = FeatureScaling.standardizing(RowView(dataset: dataset, rows: Array(0..<rows)))
        #expect(scaling.mean == [123_456.7, 2])
        #expect(scaling.inverseScale[0] == 1)
        #expect(abs(scaling.inverseScale[1] - Float(1 / 2.0.squareRoot())) < 1e-6)
    }
}
