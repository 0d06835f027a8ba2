import Foundation

extension Lab {
    /// The `crossfold` executable the tests run: `$CROSSFOLD_BIN` when set, else the one SwiftPM
    /// built beside the running test bundle (`.build/<triple>/<configuration>/crossfold`), else
    /// `.build/debug/crossfold` in this package.
    ///
    /// - Throws: `LabError.missingExecutable` naming every place looked at.
    public static func crossfoldExecutable() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["CROSSFOLD_BIN"] {
            candidates.append(URL(fileURLWithPath: path))
        }
        // The test runner is an executable inside the build products directory (…/debug/XPackageTests.xctest),
        // and SwiftPM builds `crossfold` first because the test target depends on it.
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        for _ in 0..<3 {
            candidates.append(directory.appendingPathComponent("crossfold"))
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/crossfold"))
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw LabError.missingExecutable(
            "the crossfold executable was not found at \(candidates.map(\.path).joined(separator: ", ")); "
                + "build it (swift build --product crossfold) or set CROSSFOLD_BIN")
    }
}
