import Foundation
import Testing
import TestSupport

/// The help and the README keep up with the commands: every option of every command says what it
/// does, and the README shows every command.
@Suite struct HelpTests {
    static let commands: [[String]] = [
        ["evaluate"], ["dataset", "inspect"], ["dataset", "import"], ["dataset", "synth"], ["models"], ["coordinator"],
        ["worker"], ["submit"], ["jobs"], ["status"], ["watch"], ["cancel"], ["results"], ["clarifai", "list"],
        ["clarifai", "get"], ["clarifai", "compare"], ["health"], ["keys", "generate"], ["cache", "verify"],
    ]

    /// ArgumentParser starts an option's help text in this column, or on the next line when the
    /// option's name reaches it.
    static let helpColumn = 26

    /// Options whose help is nothing but ArgumentParser's "(default: ...)", or nothing at all.
    static func undocumentedOptions(_ help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        var undocumented: [String] = []
        for (index, line) in lines.enumerated() where line.starts(with: Array("  -")) {
            let fits = line.count > helpColumn && line[helpColumn - 1] == " " && line[helpColumn] != " "
            let textLine = fits ? line : (index + 1 < lines.count ? lines[index + 1] : [])
            let text = String(textLine.dropFirst(helpColumn)).trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("(default:") { undocumented.append(String(line).trimmingCharacters(in: .whitespaces)) }
        }
        return undocumented
    }

    @Test(arguments: commands)
    func everyOptionSaysWhatItDoes(_ command: [String]) async throws {
        let run = try await crossfold(command + ["--help"], in: try CLIWorkspace())
        #expect(run.exitCode == 0, "\(run)")
        #expect(Self.undocumentedOptions(run.standardOutput).isEmpty, "\(run)")
    }

    @Test func readmeShowsEveryCommand() throws {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        for command in Self.commands {
            let shown = "crossfold \(command.joined(separator: " "))"
            // `jobs | status JOB | ...` lists the job commands on one line.
            let listed = readme.contains(shown) || readme.contains("| \(command[0]) JOB") || readme.contains("crossfold jobs | status")
                && ["jobs", "status", "cancel", "results"].contains(command[0])
            #expect(listed, "README.md never shows `\(shown)`")
        }
    }

    @Test func logLevelsAreTheSameInTheHelpAndTheError() async throws {
        let workspace = try CLIWorkspace()
        let help = try await crossfold(["evaluate", "--help"], in: workspace)
        let refused = try await crossfold(["evaluate", Repository.example("iris.jsonl"), "--log-level", "loud"], in: workspace)
        let levels = "trace, debug, info, notice, warning, error, critical"
        #expect(UsageTests.unwrapped(help.standardOutput).contains("Lowest level logged: \(levels)."), "\(help)")
        #expect(refused.exitCode == 64, "\(refused)")
        #expect(refused.standardError.contains("--log-level must be one of \(levels)"), "\(refused)")
    }
}
