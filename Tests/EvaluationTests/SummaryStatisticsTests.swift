import Datasets
import Evaluation
import Testing

struct SummaryStatisticsTests {
    @Test func sampleStandardDeviationUsesBesselsCorrection() throws {
        let statistic = FoldStatistic([0.8, 0.9, 1.0])
        #expect(abs(try #require(statistic.mean) - 0.9) < 1e-15)
        // √((0.1² + 0 + 0.1²) / (3 − 1)) = 0.1; the population std would be 0.0816.
        #expect(abs(try #require(statistic.standardDeviation) - 0.1) < 1e-15)
        #expect(statistic.count == 3)
        #expect(FoldStatistic.ddof == 1)
    }

    @Test func undefinedValuesAreLeftOutOfMeanAndSpread() throws {
        let statistic = FoldStatistic([0.5, nil, 0.7])
        #expect(statistic.count == 2)
        #expect(abs(try #require(statistic.mean) - 0.6) < 1e-15)
        #expect(abs(try #require(statistic.standardDeviation) - 0.02.squareRoot()) < 1e-15)
    }

    @Test func oneValueHasNoSpreadAndNoneHasNoMean() {
        #expect(FoldStatistic([0.7]) == FoldStatistic(mean: 0.7, standardDeviation: nil, count: 1))
        #expect(FoldStatistic([nil, nil]) == FoldStatistic(mean: nil, standardDeviation: nil, count: 0))
    }

    @Test func macroValuesAverageDefinedRankingMetricsAndEveryRate() {
        let defined = ConceptMetrics(scores: [0.1, 0.9], labels: [false, true], threshold: 0.5)
        let noPositive = ConceptMetrics(scores: [0.1, 0.9], labels: [false, false], threshold: 0.5)
        let macro = MacroValues(concepts: [defined, noPositive])
        #expect(macro.rocAUC == 1)  // the undefined AUC is skipped, not counted as 0
        #expect(macro.averagePrecision == 1)
        #expect(macro.f1 == 0.5)  // F1 = 1 and 0 (zero_division)
        #expect(macro.precision == 0.5)
        #expect(macro.recall == 0.5)
    }

    @Test func labelStatisticsCountCooccurrencesOverTheDataset() {
        let dataset = Dataset(featureCount: 1, features: [0, 0, 0, 0], concepts: ["a", "b", "c"],
                              labels: [1, 1, 0,
                                       1, 0, 0,
                                       0, 0, 0,
                                       1, 1, 1],
                              ids: ["r0", "r1", "r2", "r3"], isMultiLabel: true)
        let statistics = LabelStatistics(dataset: dataset)
        #expect(statistics.positiveCounts == [3, 2, 1])
        #expect(statistics.cooccurrence == [[3, 2, 1], [2, 2, 1], [1, 1, 1]])
    }
}
