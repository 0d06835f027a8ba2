import Folds
import Wire

extension WorkerCore {
    /// The scores a finished task's RESULT carries: its own, except in a debug build told to lie.
    func scoresToSend(_ scores: [Float], _ ref: TaskRef) -> [Float] {
        #if DEBUG
        Self.debugAltered(scores, job: ref.job, task: ref.task, fraction: configuration.debugAlterScores)
        #else
        scores
        #endif
    }
}

#if DEBUG
extension WorkerCore {
    /// Debug builds only (`worker --debug-alter-scores FRACTION`, hidden): a worker that lies,
    /// for the verification tests (Tests/IntegrationTests/VerificationLabTests.swift). For the
    /// tasks a hash of (job, task) picks with probability `fraction`, every score becomes
    /// 1 - score before the result is sent: the real worker, fetching and computing as usual,
    /// posing as a faulty or malicious one at the last step. Release builds have none of this.
    static func debugAltered(_ scores: [Float], job: String, task: Int, fraction: Double) -> [Float] {
        guard fraction > 0 else { return scores }
        var hash = UInt64(truncatingIfNeeded: task)
        for byte in job.utf8 { hash = SplitMix64.mix(hash ^ UInt64(byte)) }
        guard Double(SplitMix64.mix(hash) % 1_000_000) < fraction * 1_000_000 else { return scores }
        return scores.map { 1 - $0 }
    }
}
#endif
