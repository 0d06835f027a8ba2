import Testing
import TestSupport

/// A missing oracle fails its test and says how to install it, unless CROSSFOLD_SKIP_ORACLES=1
/// asks to skip the oracle tests; CI no longer matters.
struct PythonOracleVerdictTests {
    static let problem = "python oracle unavailable: No module named 'sklearn'"

    @Test func presentOraclesRun() {
        #expect(PythonOracle.verdict(problem: nil, modules: ["sklearn"], environment: [:]) == .run)
    }

    @Test(arguments: [[:], ["CI": "true"], ["CROSSFOLD_SKIP_ORACLES": "0"]])
    func aMissingOracleFailsSayingHowToInstallIt(_ environment: [String: String]) {
        let verdict = PythonOracle.verdict(problem: Self.problem, modules: ["sklearn"], environment: environment)
        guard case .fail(let message) = verdict else {
            Issue.record("expected a failure, got \(verdict)")
            return
        }
        #expect(message.contains("python3 -m pip install -r .ci/requirements.txt"))
        #expect(message.contains("CROSSFOLD_SKIP_ORACLES=1"))
    }

    @Test func theOptOutSkipsWithTheReason() {
        let verdict = PythonOracle.verdict(problem: Self.problem, modules: ["sklearn"], environment: ["CROSSFOLD_SKIP_ORACLES": "1"])
        #expect(verdict == .skip("skipped: \(Self.problem) (CROSSFOLD_SKIP_ORACLES=1)"))
    }
}
