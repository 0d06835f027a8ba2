import Datasets
import Learners
import Synchronization
import Testing

@Suite struct DeterminismTests {
    /// Wide enough (400 features, past OpenBLAS's 384-deep panels) and long enough for several row
    /// blocks per pass, so both the block order and the inner-dimension chunking are exercised.
    static let dataset = SyntheticData.overlapping(rows: 1_400, features: 400, classes: 3)
    static let split = SyntheticData.split(rows: 1_400, every: 5, phase: 2)

    static let specs: [LearnerSpec] = [
        LearnerSpec(model: "logistic", params: ["max_iter": "15"]),
        LearnerSpec(model: "softmax", params: ["max_iter": "15"]),
        LearnerSpec(model: "knn", params: ["k": "7", "weights": "distance"]),
        LearnerSpec(model: "centroid"),
        LearnerSpec(model: "naive-bayes"),
    ]

    func run(_ spec: LearnerSpec, threads: Int) throws -> FoldPredictions {
        try FoldTask.run(
            dataset: Self.dataset, trainRows: Self.split.train, testRows: Self.split.test, repeatIndex: 1, fold: 2,
            spec: spec, threads: threads
        )
    }

    @Test(arguments: specs)
    func sameSpecGivesTheSameBits(spec: LearnerSpec) throws {
        let first = try run(spec, threads: 1)
        let second = try run(spec, threads: 1)
        #expect(first.scores.map(\.bitPattern) == second.scores.map(\.bitPattern))
    }

    @Test(arguments: specs)
    func threadCountDoesNotChangeTheBits(spec: LearnerSpec) throws {
        let one = try run(spec, threads: 1)
        let two = try run(spec, threads: 2)
        let three = try run(spec, threads: 3)
        #expect(one.scores.map(\.bitPattern) == two.scores.map(\.bitPattern))
        #expect(one.scores.map(\.bitPattern) == three.scores.map(\.bitPattern))
    }

    /// A worker lends a fold idle cores pass by pass: the threads change between passes.
    @Test(arguments: specs)
    func threadsChangingBetweenPassesDoNotChangeTheBits(spec: LearnerSpec) throws {
        let one = try run(spec, threads: 1)
        let calls = Atomic<Int>(0)
        let varying = try FoldTask.run(
            dataset: Self.dataset, trainRows: Self.split.train, testRows: Self.split.test, repeatIndex: 1, fold: 2,
            spec: spec, threads: 3, available: { calls.add(1, ordering: .relaxed).newValue % 3 + 1 })
        // Asked at every pass: many times for the iterative learners, once for the others.
        #expect(calls.load(ordering: .relaxed) > (spec.model.hasSuffix("logistic") || spec.model == "softmax" ? 1 : 0))
        #expect(one.scores.map(\.bitPattern) == varying.scores.map(\.bitPattern))
    }

    @Test func aPassUsesWhatIsAvailableWithinItsThreads() {
        #expect(RowView(dataset: Self.dataset, rows: [0], threads: 4, available: { 9 }).lanes == 4)
        #expect(RowView(dataset: Self.dataset, rows: [0], threads: 4, available: { 0 }).lanes == 1)
        #expect(RowView(dataset: Self.dataset, rows: [0], threads: 4, available: { 2 }).lanes == 2)
        #expect(RowView(dataset: Self.dataset, rows: [0], threads: 4).lanes == 4)
    }

    @Test func aViewRunsOnAtLeastOneThread() {
        #expect(RowView(dataset: Self.dataset, rows: [0], threads: 0).threads == 1)
        #expect(RowView(dataset: Self.dataset, rows: [0], threads: 4).threads == 4)
    }

    @Test func seedDoesNotChangeBuiltInLearners() throws {
        // No built-in learner draws random numbers; the seed is for learners that do.
        let a = try FoldTask.run(
            dataset: Self.dataset, trainRows: Self.split.train, testRows: Self.split.test, repeatIndex: 0, fold: 0,
            spec: LearnerSpec(model: "logistic", params: ["max_iter": "10"], seed: 1)
        )
        let b = try FoldTask.run(
            dataset: Self.dataset, trainRows: Self.split.train, testRows: Self.split.test, repeatIndex: 0, fold: 0,
            spec: LearnerSpec(model: "logistic", params: ["max_iter": "10"], seed: 99)
        )
        #expect(a.scores == b.scores)
    }
}
