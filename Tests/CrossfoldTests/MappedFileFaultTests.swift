import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Datasets are mapped; a mapped file cut short under a running command raises SIGBUS, which the
/// command turns into one line and exit 74 instead of a crash.
@Suite struct MappedFileFaultTests {
    @Test func aBusErrorEndsTheCommandWithAClearMessageAndExit74() async throws {
        let workspace = try CLIWorkspace()
        let coordinator = try CLI.start([
            "coordinator", "--client-bind", "ipc://\(workspace.path("c"))", "--worker-bind", "ipc://\(workspace.path("w"))",
            "--data-bind", "ipc://\(workspace.path("d"))",
        ], directory: workspace.url)
        #expect(await coordinator.waitForOutput(timeout: .seconds(30)) { output, _ in output.contains("coordinator listening") })
        coordinator.send(SIGBUS)
        let run = try await coordinator.wait(timeout: .seconds(30))
        #expect(run.exitCode == 74 && run.signal == nil, "\(run)")
        #expect(run.standardError.contains("a file in use was cut short (SIGBUS)"), "\(run)")
        #expect(run.standardError.contains("rename it into place"), "\(run)")
    }
}
