import Datasets
import Foundation
import Learners

#if canImport(Glibc)
import Glibc
#endif

/// One fold of `--model command` on a worker's compute thread: the fold's files into a fresh
/// scratch directory, the user's program run on them (`ProgramProcess`), its scores read back and
/// checked. The scratch directory is removed however the run ends. The contract the program sees is
/// docs/COMMAND-LEARNER.md.
enum CommandFold {
    /// Lines of the program's standard error quoted in a failure.
    static let stderrLines = 12

    /// The `testRows.count × concepts` scores the program wrote for `files`' fold, row-major.
    /// - Parameter scratchRoot: where the fold's directory is made (the worker's TMPDIR).
    /// - Throws: `CommandFailure` saying what went wrong, with the program's last stderr lines.
    static func run(
        _ files: CommandFoldFiles, settings: CommandSettings, scratchRoot: String, cancellation: FoldCancellation
    ) throws(CommandFailure) -> [Float] {
        let fail = { (reason: CommandFailure.Reason) in CommandFailure(program: settings.program, reason: reason, stderrTail: []) }
        var template = Array("\(scratchRoot)/crossfold-fold-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw fail(.scratch("cannot create a directory in \(scratchRoot): \(String(cString: strerror(errno)))"))
        }
        let directory = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let manifest: CommandFoldManifest
        do {
            manifest = try files.write(into: directory, inputs: settings.inputs)
        } catch {
            throw fail(.scratch("\(error)"))
        }
        let stderrPath = "\(directory)/stderr.txt"
        let process: ProgramProcess
        do {
            process = try ProgramProcess(
                program: settings.program, arguments: ["\(directory)/fold.json"],
                environment: environment(for: manifest, directory: directory), stdout: "\(directory)/stdout.txt",
                stderr: stderrPath)
        } catch {
            throw fail(.notStarted(String(cString: strerror(error.code))))
        }
        let ending = process.wait(until: .now + settings.timeout, cancellation: cancellation)
        let failed = { (reason: CommandFailure.Reason) in
            CommandFailure(program: settings.program, reason: reason, stderrTail: tail(of: stderrPath, lines: stderrLines))
        }
        switch ending {
        case .exited(0): break
        case .exited(let status): throw failed(.exited(status))
        case .signalled(let signal): throw failed(.signalled(signal))
        case .timedOut: throw failed(.timedOut(settings.timeout))
        case .cancelled: throw failed(.cancelled)
        }
        guard FileManager.default.fileExists(atPath: manifest.output) else { throw failed(.noOutput) }
        let scores: (rows: Int, columns: Int, values: [Float])
        do {
            scores = try NPYFile.readFloatMatrix(manifest.output)
        } catch {
            throw failed(.unreadableOutput("\(error.message) (\(error.fix))"))
        }
        let concepts = manifest.concepts.count
        guard scores.rows == manifest.testCount, scores.columns == concepts else {
            throw failed(.wrongShape(
                rows: scores.rows, columns: scores.columns, expectedRows: manifest.testCount, expectedColumns: concepts))
        }
        if let bad = scores.values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw failed(.badScore(scores.values[bad], row: bad / concepts, column: bad % concepts))
        }
        return scores.values
    }

    /// The worker's environment with the fold's variables on top; BLAS and OpenMP thread counts
    /// default to the fold's share so folds side by side do not oversubscribe the cores.
    static func environment(for manifest: CommandFoldManifest, directory: String) -> [String] {
        var variables = ProcessInfo.processInfo.environment
        for key in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"] where variables[key] == nil {
            variables[key] = "\(manifest.threads)"
        }
        variables.merge([
            "CROSSFOLD_FOLD_JSON": "\(directory)/fold.json", "CROSSFOLD_FOLD_DIR": directory,
            "CROSSFOLD_OUTPUT": manifest.output, "CROSSFOLD_SEED": "\(manifest.seed)", "CROSSFOLD_FOLD": "\(manifest.fold)",
            "CROSSFOLD_REPEAT": "\(manifest.repeat)", "CROSSFOLD_THREADS": "\(manifest.threads)",
        ]) { $1 }
        return variables.map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// The last `lines` non-empty lines of the file at `path` (its last 8 KiB at most).
    static func tail(of path: String, lines: Int) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let end = (try? handle.seekToEnd()) ?? 0
        let start = end > 8192 ? end - 8192 : 0
        try? handle.seek(toOffset: start)
        let text = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        var found = text.split(whereSeparator: \.isNewline).map(String.init)
        if start > 0, !found.isEmpty { found.removeFirst() }  // most likely cut
        return Array(found.filter { !$0.allSatisfy(\.isWhitespace) }.suffix(lines))
    }
}
