import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Creates a lab of `hosts` hosts, runs `body` with it, and always tears it down, whether `body`
/// returns, throws, or an expectation inside it failed.
///
/// When labs are unavailable (not root, no `ip netns`) the calling test is skipped with the reason,
/// or, when the environment variable `CI` is set, fails. When `body` throws, the lab's logs are kept
/// on disk and their tails are recorded as a warning beside the failure (unless
/// `recordingDiagnostics` is false: a test whose body throws on purpose passes without a warning);
/// otherwise the state directory is deleted (set `CROSSFOLD_LAB_KEEP=1` to keep it always).
///
/// - Throws: whatever `body` throws; `LabError` when the lab cannot be created or removed.
public func withLab<T: Sendable>(
    hosts: Int, recordingDiagnostics: Bool = true, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (Lab) async throws -> T
) async throws -> T {
    try await Lab.requireAvailable(sourceLocation: sourceLocation)
    // One lab at a time (`ExclusiveTests.labs`): the labs' processes side by side starved the
    // timing-sensitive tests of the rest of the suite on a 2-core machine.
    return try await ExclusiveTests.labs.run {
        try await withLabUp(hosts: hosts, recordingDiagnostics: recordingDiagnostics, sourceLocation: sourceLocation, body)
    }
}

private func withLabUp<T: Sendable>(
    hosts: Int, recordingDiagnostics: Bool, sourceLocation: SourceLocation, _ body: (Lab) async throws -> T
) async throws -> T {
    let lab = try await Lab.up(hosts: hosts)
    let value: T
    do {
        value = try await body(lab)
    } catch {
        if recordingDiagnostics { Issue.record("\(lab.diagnostics())", severity: .warning, sourceLocation: sourceLocation) }
        try await lab.down(keepingLogs: true)
        throw error
    }
    try await lab.down(keepingLogs: ProcessInfo.processInfo.environment["CROSSFOLD_LAB_KEEP"] != nil)
    return value
}

extension Lab {
    /// Skips the calling test when this machine cannot run a lab, or fails it when `CI` is set (CI
    /// runs as root, so there a missing lab is a broken setup, not an excuse).
    ///
    /// - Throws: `LabError.unavailable` under CI; otherwise Swift Testing's cancellation, which
    ///   reports the test as skipped with the reason.
    public static func requireAvailable(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        guard let problem = await unavailability() else { return }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            throw LabError.unavailable("\(problem). CI is set, so the lab test fails instead of skipping")
        }
        try Test.cancel("skipped: \(problem) (set CI=1 to make this a failure)", sourceLocation: sourceLocation)
    }

    /// Why no lab can run here, or nil when one can.
    public static func unavailability() async -> String? {
        guard getuid() == 0 else {
            return "network namespaces need root (uid is \(getuid())); run the tests as root"
        }
        guard FileManager.default.isExecutableFile(atPath: scriptURL.path) else {
            return "\(scriptURL.path) is missing or not executable"
        }
        let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let ip else { return "`ip` not found: apt-get install iproute2" }
        do {
            let outcome = try await ProcessRunner.run(URL(fileURLWithPath: ip), ["netns", "list"], timeout: .seconds(30))
            guard outcome.succeeded else { return "`ip netns list` fails: \(outcome.standardError)" }
        } catch {
            return "`ip netns list` cannot run: \(error)"
        }
        return nil
    }
}
