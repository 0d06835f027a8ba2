/// The corrected resampled t-test of Nadeau and Bengio (2003, "Inference for the Generalization
/// Error", Machine Learning 52:239–281), as Bouckaert and Frank (2004) apply it to repeated K-fold
/// cross validation: two configurations scored on the same J = folds × repeats splits, d_j the
/// difference of their scores on split j,
///
///     t = mean(d) / √((1/J + n_test/n_train) · var(d))
///
/// with var the sample variance (ddof 1) and J − 1 degrees of freedom. The n_test/n_train term
/// corrects the variance for the overlap of the training sets, which the plain paired t-test
/// ignores (and so finds differences far too often).
public struct CorrectedTTest: Sendable, Equatable {
    /// mean(d).
    public let meanDifference: Double
    /// The statistic; nil when var(d) is 0 (every split differs by the same amount).
    public let t: Double?
    /// Two-sided, from Student's t with `degreesOfFreedom`: 1 when every difference is 0, 0 when
    /// every difference is the same non-zero amount.
    public let pValue: Double
    /// J − 1.
    public let degreesOfFreedom: Int

    /// The test of `differences` (J ≥ 2 values) with `testTrainRatio` = n_test/n_train; nil with
    /// fewer than two differences.
    public init?(differences: [Double], testTrainRatio: Double) {
        let count = differences.count
        guard let (mean, sampleVariance) = FoldStatistic.meanAndVariance(differences), let variance = sampleVariance else {
            return nil
        }
        meanDifference = mean
        degreesOfFreedom = count - 1
        guard variance > 0 else {
            t = nil
            pValue = mean == 0 ? 1 : 0
            return
        }
        let t = mean / ((1 / Double(count) + testTrainRatio) * variance).squareRoot()
        self.t = t
        pValue = StudentT.twoSidedPValue(t: t, degreesOfFreedom: Double(count - 1))
    }
}
