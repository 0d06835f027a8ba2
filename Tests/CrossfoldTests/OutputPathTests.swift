@testable import crossfold
import Foundation
import Testing
import TestSupport

/// Output files are checked before any work: every shape of name either works or is refused with
/// exit 64 (usage) or 73 (cannot write) and a reason; none crashes.
@Suite struct OutputPathTests {
    @Test(arguments: [("x", "."), ("-x", "."), ("a/b", "a"), ("/r.json", "/"), ("a/b/c.csv", "a/b"), ("./x", ".")])
    func directoryOfANewFile(_ path: String, _ directory: String) {
        #expect(OutputPath.directory(of: path) == directory)
    }

    @Test func namesThatCanBeWritten() throws {
        let workspace = try CLIWorkspace()
        for name in ["x", "-x", "r.json", "é ü.json", String(repeating: "n", count: 255)] {
            #expect(OutputPath.problem(writing: workspace.path(name)) == nil, "\(name)")
        }
        try workspace.write("existing.json", "{}")
        #expect(OutputPath.problem(writing: workspace.path("existing.json")) == nil)
        #expect(try OutputPath.check("-", flag: "--json") == .standardOutput)
    }

    @Test func namesThatCannotBeWrittenSayWhy() throws {
        let workspace = try CLIWorkspace()
        try FileManager.default.createDirectory(atPath: workspace.path("folder"), withIntermediateDirectories: true)
        try workspace.write("file", "x")
        let cases: [(String, String)] = [
            (workspace.path("folder"), "it is a directory"),
            (workspace.path("folder") + "/", "the name ends in /"),
            (workspace.path("missing/r.json"), "directory \(workspace.path("missing")) does not exist"),
            (workspace.path("file/r.json"), "\(workspace.path("file")) is not a directory"),
            (workspace.path(String(repeating: "n", count: 256)), "the name is too long"),
            // Root can write anywhere permissions allow, but not into /proc.
            ("/proc/r.json", "cannot create files in /proc"),
            ("/dev/null", "it is not a regular file; use - for standard output"),
        ]
        for (path, reason) in cases {
            let problem = OutputPath.problem(writing: path)
            #expect(problem?.contains(reason) == true, "\(path): \(problem ?? "nil")")
            #expect(throws: CommandFailure.self) { try OutputPath.check(path, flag: "--json") }
        }
        #expect(workspace.files() == ["file"], "the write check leaves nothing behind")
    }

    @Test func emptyNameAndStandardOutputWhereNotAllowedAreUsageErrors() {
        for (path, allowed) in [("", true), ("-", false)] {
            do {
                _ = try OutputPath.check(path, flag: "-o", allowStandardOutput: allowed)
                Issue.record("\(path) was accepted")
            } catch let failure as CommandFailure {
                #expect(failure.status == .usage, "\(failure)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
