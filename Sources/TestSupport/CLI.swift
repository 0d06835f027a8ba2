import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `crossfold` executable as a subprocess, the way a user or a script does, for
/// end-to-end tests of the command line.
///
/// The executable is found beside the running test bundle (`swift build --build-tests` builds it
/// there, since the test target depends on the executable target), or at `$CROSSFOLD_EXECUTABLE`.
/// Standard input is /dev/null; standard output and error go to files, so a chatty child can
/// never block on a full pipe.
public enum CLI {
    /// What the child inherits: this process's environment without any `CLARIFAI_*` or
    /// `CROSSFOLD_*` variable (a developer's own settings must not leak into a test), then
    /// `environment` on top.
    public static func childEnvironment(_ environment: [String: String]) -> [String: String] {
        var inherited = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("CLARIFAI_") && !key.hasPrefix("CROSSFOLD_")
        }
        inherited.merge(environment) { $1 }
        return inherited
    }

    /// Runs `crossfold arguments...` in `directory` and waits for it to exit.
    ///
    /// - Parameters:
    ///   - environment: added to ``childEnvironment(_:)``.
    ///   - directory: the working directory (default: this process's).
    ///   - timeout: how long the child may run; then it gets SIGTERM, and SIGKILL 5 s later.
    /// - Throws: `CLIError.executableNotFound` when the binary is not built, `.cannotStart` when
    ///   it cannot be spawned, `.timedOut` (with what it printed so far) when it outlives `timeout`.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil,
        timeout: Duration = .seconds(300)
    ) async throws -> CLIResult {
        try await run(executable: try executable(), arguments: arguments, environment: environment,
                      directory: directory, timeout: timeout)
    }

    /// Runs any executable the way ``run(_:environment:directory:timeout:)`` runs `crossfold`,
    /// with `standardInput` (else /dev/null) as its standard input.
    public static func run(
        executable: URL, arguments: [String], environment: [String: String] = [:], directory: URL? = nil,
        timeout: Duration = .seconds(300), standardInput: Data? = nil
    ) async throws -> CLIResult {
        let process = try CLIProcess(executable: executable, arguments: arguments, environment: environment,
                                     directory: directory, standardInput: standardInput)
        return try await process.wait(timeout: timeout)
    }

    /// Starts `crossfold arguments...` in the background (a coordinator, a worker): read its output
    /// while it runs, stop it with ``CLIProcess/terminate()``, collect it with ``CLIProcess/wait(timeout:)``.
    ///
    /// - Throws: `CLIError.executableNotFound` or `.cannotStart`.
    public static func start(
        _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil
    ) throws -> CLIProcess {
        try CLIProcess(executable: try executable(), arguments: arguments, environment: environment, directory: directory)
    }

    /// The `crossfold` executable: `$CROSSFOLD_EXECUTABLE`, else the first `crossfold` file found
    /// beside the test bundle or in one of its parent directories (Linux runs the bundle as an
    /// executable in `.build/<triple>/debug`; macOS nests it in `crossfoldPackageTests.xctest/Contents/MacOS`).
    ///
    /// - Throws: `CLIError.executableNotFound` listing the places searched.
    public static func executable() throws -> URL {
        if let found = located.withLock({ $0 }) { return found }
        let searched = searchDirectories()
        if let override = ProcessInfo.processInfo.environment["CROSSFOLD_EXECUTABLE"], !override.isEmpty {
            guard isExecutableFile(override) else {
                throw CLIError.executableNotFound(searched: ["$CROSSFOLD_EXECUTABLE = \(override)"])
            }
            return URL(fileURLWithPath: override)
        }
        for directory in searched {
            let candidate = directory.appendingPathComponent("crossfold").path
            if isExecutableFile(candidate) {
                let url = URL(fileURLWithPath: candidate)
                located.withLock { $0 = url }
                return url
            }
        }
        throw CLIError.executableNotFound(searched: searched.map(\.path))
    }

    private static let located = Mutex<URL?>(nil)

    /// The running test executable's directory and up to four parents, then every loaded
    /// `.xctest` bundle's directory.
    private static func searchDirectories() -> [URL] {
        var starts: [URL] = []
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: resolved))
        }
        if let main = Bundle.main.executableURL { starts.append(main.resolvingSymlinksInPath()) }
        if let first = CommandLine.arguments.first, first.contains("/") {
            starts.append(URL(fileURLWithPath: first).standardizedFileURL.resolvingSymlinksInPath())
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            starts.append(bundle.bundleURL.appendingPathComponent("crossfold-placeholder"))
        }
        var directories: [URL] = []
        for start in starts {
            var directory = start.deletingLastPathComponent()
            for _ in 0..<5 {
                if !directories.contains(directory) { directories.append(directory) }
                let parent = directory.deletingLastPathComponent()
                if parent == directory { break }
                directory = parent
            }
        }
        return directories
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }
}
