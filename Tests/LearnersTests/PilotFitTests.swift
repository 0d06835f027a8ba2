import Datasets
import Foundation
import Testing

@testable import Learners

/// The warm start of large linear fits (`PilotFit`, `LBFGS(continuing:)`).
@Suite struct PilotFitTests {
    /// 82,000 rows: every fifth held out leaves 65,600 training rows, just past `PilotFit.minimumRows`.
    static let dataset = SyntheticData.overlapping(rows: 82_000, features: 12, classes: 3)
    static let split = SyntheticData.split(rows: 82_000, every: 5, phase: 1)

    func run(_ model: String, pilot: Bool, threads: Int = 1) throws -> [Float] {
        try FoldTask.run(
            dataset: Self.dataset, trainRows: Self.split.train, testRows: Self.split.test, repeatIndex: 0, fold: 1,
            spec: LearnerSpec(model: model, params: ["pilot": pilot ? "true" : "false"]), threads: threads
        ).scores
    }

    @Test func onlyViewsOfManyRowsGetAPilotOfEveryEighthRow() throws {
        #expect(PilotFit.positions(count: PilotFit.minimumRows - 1) == nil)
        let positions = try #require(PilotFit.positions(count: PilotFit.minimumRows + 3))
        #expect(positions.count == PilotFit.minimumRows / 8 + 1)
        #expect(positions.first == 0 && positions.allSatisfy { $0 % 8 == 0 })
        let view = RowView(dataset: Self.dataset, rows: Self.split.train, threads: 3)
        let pilot = PilotFit.view(view, positions: [0, 8, 16])
        #expect(pilot.rows == [Self.split.train[0], Self.split.train[8], Self.split.train[16]])
        #expect(pilot.threads == 3)
        // The same λ = 1/(C·n) as the full view's.
        #expect(PilotFit.inverseRegularization(2, rows: 80, pilotRows: 10) == 16)
    }

    /// The pilot changes the path, not the answer: the fold's scores agree with the fit from zero to
    /// well within what `tol` allows, and a pilot that did not run would give the same bits.
    @Test(arguments: ["softmax", "logistic"])
    func aFitWithAPilotMatchesTheFitFromZero(model: String) throws {
        let withPilot = try run(model, pilot: true)
        let fromZero = try run(model, pilot: false)
        let largest = zip(withPilot, fromZero).map { abs($0 - $1) }.max() ?? 0
        #expect(largest < 2e-3, "largest difference in a probability: \(largest)")
        #expect(withPilot.map(\.bitPattern) != fromZero.map(\.bitPattern))
    }

    @Test(arguments: ["softmax", "logistic"])
    func aFitWithAPilotGivesTheSameBitsOnAnyThreads(model: String) throws {
        let one = try run(model, pilot: true, threads: 1)
        let three = try run(model, pilot: true, threads: 3)
        #expect(one.map(\.bitPattern) == three.map(\.bitPattern))
    }

    /// `f(x) = ½ Σ aᵢ (xᵢ − cᵢ)²`, badly conditioned, so steepest descent alone is slow.
    struct Quadratic {
        let curvatures: [Double]
        let centre: [Double]

        func minimize(_ minimizer: inout LBFGS) -> Int {
            var evaluations = 0
            while minimizer.status == .running {
                let x = minimizer.trial
                var value = 0.0
                var gradient = [Double](repeating: 0, count: x.count)
                for i in x.indices {
                    let d = x[i] - centre[i]
                    value += 0.5 * curvatures[i] * d * d
                    gradient[i] = curvatures[i] * d
                }
                minimizer.receive(value: value, gradient: gradient)
                evaluations += 1
            }
            return evaluations
        }
    }

    static let curvatures = (0..<40).map { 1 + Double($0 * $0) / 16 }
    static let near = Quadratic(curvatures: curvatures, centre: (0..<40).map { sin(Double($0)) })
    static let target = Quadratic(curvatures: curvatures.map { $0 * 1.05 }, centre: (0..<40).map { sin(Double($0)) + 0.01 })

    @Test func continuingOnTheProblemAMinimizerSolvedStopsWithinAStep() {
        var first = LBFGS(start: [Double](repeating: 0, count: 40), gradientTolerance: 1e-8, maxIterations: 500)
        let evaluationsFromZero = Self.near.minimize(&first)
        #expect(first.status == .converged)
        var again = LBFGS(continuing: first)
        #expect(again.trial == first.point)
        #expect(Self.near.minimize(&again) <= 2, "from zero: \(evaluationsFromZero)")
        #expect(again.status == .converged)
        // The value rule (relative decrease under 1e-12) may stop either before the gradient's 1e-8.
        for i in 0..<40 { #expect(abs(again.point[i] - Self.near.centre[i]) < 1e-5) }
    }

    @Test func continuingOnANearbyProblemReachesItsMinimumInFewerSteps() {
        var fromZero = LBFGS(start: [Double](repeating: 0, count: 40), gradientTolerance: 1e-8, maxIterations: 500)
        let evaluationsFromZero = Self.target.minimize(&fromZero)
        var pilot = LBFGS(start: [Double](repeating: 0, count: 40), gradientTolerance: 1e-8, maxIterations: 500)
        _ = Self.near.minimize(&pilot)
        var continued = LBFGS(continuing: pilot)
        let evaluationsContinued = Self.target.minimize(&continued)
        #expect(fromZero.status == .converged && continued.status == .converged)
        #expect(evaluationsContinued < evaluationsFromZero, "\(evaluationsContinued) against \(evaluationsFromZero)")
        for i in 0..<40 { #expect(abs(continued.point[i] - Self.target.centre[i]) < 1e-6) }
    }
}
