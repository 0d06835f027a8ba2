import Datasets
import Foundation
@testable import Learners
import Testing
import TestSupport

/// A cancelled fold stops at the learner's next check instead of running to its end, for every
/// learner; one never cancelled gives the same bits as before.
@Suite struct FoldCancellationTests {
    static let dataset = GaussianClusters.make(rows: 400, features: 8, concepts: 4, seed: 3)
    static let trainRows = Array(stride(from: 0, to: 400, by: 2))
    static let testRows = Array(stride(from: 1, to: 400, by: 2))

    @Test(arguments: LearnerCatalog.learners.map(\.name))
    func aFoldCancelledBeforeItStartsThrowsCancelled(_ model: String) {
        let cancellation = FoldCancellation()
        cancellation.cancel()
        #expect(throws: LearnerError(.cancelled, "the fold was cancelled before it finished")) {
            try FoldTask.run(dataset: Self.dataset, trainRows: Self.trainRows, testRows: Self.testRows, repeatIndex: 0,
                             fold: 0, spec: LearnerSpec(model: model), cancellation: cancellation)
        }
    }

    @Test(arguments: LearnerCatalog.learners.map(\.name))
    func aFoldNeverCancelledIsUnchanged(_ model: String) throws {
        let spec = LearnerSpec(model: model)
        let plain = try FoldTask.run(dataset: Self.dataset, trainRows: Self.trainRows, testRows: Self.testRows,
                                     repeatIndex: 0, fold: 0, spec: spec)
        let watched = try FoldTask.run(dataset: Self.dataset, trainRows: Self.trainRows, testRows: Self.testRows,
                                       repeatIndex: 0, fold: 0, spec: spec, cancellation: FoldCancellation())
        #expect(plain.scores == watched.scores)
    }

    /// knn does all its work in `predict`, streaming training blocks past the test rows; logistic
    /// iterates. A request arriving at the third check (for knn: FoldTask's before `predict`, then
    /// the first two training blocks) stops the fold there, where it used to run to its end.
    @Test(arguments: ["knn", "logistic"])
    func aFoldCancelledWhileRunningStopsAtItsNextBlock(_ model: String) {
        let large = Self.noise(rows: 4_000, features: 16, concepts: 4)
        let test = Array(stride(from: 0, to: 4_000, by: 2))
        let train = Array(stride(from: 1, to: 4_000, by: 2))
        let cancellation = FoldCancellation(cancellingAtCheck: 3)
        #expect(throws: LearnerError(.cancelled, "the fold was cancelled before it finished"), "\(model) ran to its end") {
            try FoldTask.run(dataset: large, trainRows: train, testRows: test, repeatIndex: 0, fold: 0,
                             spec: LearnerSpec(model: model), cancellation: cancellation)
        }
    }

    /// Patterned noise, quick to make in a debug build (GaussianClusters draws 12 numbers a value):
    /// nothing to learn, so logistic regression iterates for long too.
    static func noise(rows: Int, features: Int, concepts: Int) -> Dataset {
        var features32 = [Float](repeating: 0, count: rows * features)
        for index in features32.indices { features32[index] = Float((index &* 2_654_435_761) % 1009) / 1009 - 0.5 }
        var labels = [UInt8](repeating: 0, count: rows * concepts)
        for row in 0..<rows { labels[row * concepts + row % concepts] = 1 }
        return Dataset(featureCount: features, features: features32, concepts: (0..<concepts).map { "c\($0)" },
                       labels: labels, ids: (0..<rows).map { "row-\($0)" }, isMultiLabel: false)
    }
}
