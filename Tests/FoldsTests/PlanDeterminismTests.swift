import Foundation
import Datasets
import Folds
import Testing

@Suite struct PlanDeterminismTests {
    /// Exclusive labels, multi-label rows and groups with ties, so every strategy has choices to make.
    static func dataset(featureOffset: Float = 0, ids: String = "row") -> Dataset {
        let labels = Fixtures.interleavedLabels(counts: [14, 11, 20])
        let groups = (0..<labels.count).map { "g\($0 % 15)" }
        let base = Fixtures.exclusive(labels, groups: groups, featureOffset: featureOffset)
        return Dataset(
            featureCount: base.featureCount, features: base.features, concepts: base.concepts,
            labels: base.labels, ids: base.ids.map { $0.replacingOccurrences(of: "row", with: ids) },
            groups: base.groups, isMultiLabel: false)
    }

    @Test(arguments: SplitStrategy.allCases)
    func sameInputsGiveTheSamePlan(strategy: SplitStrategy) throws {
        let a = try makePlan(Self.dataset(), strategy, folds: 5, repeats: 3, seed: 9)
        let b = try makePlan(Self.dataset(), strategy, folds: 5, repeats: 3, seed: 9)
        #expect(a == b)
        #expect(a.strategy == strategy && a.folds == 5 && a.repeats == 3 && a.seed == 9)
    }

    @Test(arguments: SplitStrategy.allCases)
    func differentSeedsGiveDifferentPlans(strategy: SplitStrategy) throws {
        let a = try makePlan(Self.dataset(), strategy, folds: 5, seed: 1)
        let b = try makePlan(Self.dataset(), strategy, folds: 5, seed: 2)
        #expect(a.assignments != b.assignments)
    }

    @Test(arguments: SplitStrategy.allCases)
    func repeatsDifferFromEachOther(strategy: SplitStrategy) throws {
        let plan = try makePlan(Self.dataset(), strategy, folds: 5, repeats: 4, seed: 5)
        #expect(plan.isPartition(rowCount: Self.dataset().rowCount))
        #expect(Set(plan.assignments).count == 4)
    }

    @Test(arguments: SplitStrategy.allCases)
    func aRepeatDoesNotDependOnHowManyRepeatsWereAsked(strategy: SplitStrategy) throws {
        let one = try makePlan(Self.dataset(), strategy, folds: 4, repeats: 1, seed: 77)
        let three = try makePlan(Self.dataset(), strategy, folds: 4, repeats: 3, seed: 77)
        #expect(three.assignments[0] == one.assignments[0])
    }

    @Test(arguments: SplitStrategy.allCases)
    func featuresIdsAndSourceDoNotChangeThePlan(strategy: SplitStrategy) throws {
        let a = try makePlan(Self.dataset(), strategy, folds: 5, repeats: 2)
        let other = Self.dataset(featureOffset: 1000, ids: "input")
        let b = try FoldPlanner.plan(
            for: other, strategy: strategy, folds: 5, repeats: 2, seed: 42, source: "elsewhere.jsonl")
        #expect(a == b)
    }

    @Test func planRoundTripsThroughCodable() throws {
        let plan = try makePlan(Self.dataset(), .stratified, folds: 3, repeats: 2)
        let encoded = try JSONEncoder().encode(plan)
        #expect(try JSONDecoder().decode(FoldPlan.self, from: encoded) == plan)
    }

    /// See `PinnedPlans`.
    @Test func plansArePinned() throws {
        let dataset = PinnedPlans.dataset
        var pinned: [SplitStrategy: [Int32]] = [:]
        for strategy in SplitStrategy.allCases {
            pinned[strategy] = try makePlan(dataset, strategy, folds: 3, seed: 2024).assignments[0]
        }
        #expect(pinned == PinnedPlans.small)
    }
}
