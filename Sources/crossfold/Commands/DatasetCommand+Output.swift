import ArgumentParser

extension DatasetCommand {
    /// `-o` of `import` and `synth` names the canonical binary form, so it must end in `.cfds`:
    /// readers choose the format by extension, and binary bytes under `.csv` read back as a broken CSV.
    static func validateOutput(_ output: String, command: String) throws {
        if output == OutputPath.standardOutputName {
            throw ValidationError("-o -: `dataset \(command)` writes crossfold's canonical binary form to a file, not to standard output; name a .cfds file")
        }
        let folder = OutputPath.directory(of: output)
        let name = output.hasSuffix("/") ? "" : String(output.split(separator: "/").last ?? "")
        let stem = String(name.split(separator: ".", omittingEmptySubsequences: false).first ?? "")
        guard name.hasSuffix(".cfds"), !stem.isEmpty else {
            let prefix = output.contains("/") ? (folder == "/" ? "/" : folder + "/") : ""
            let suggestion = prefix + (stem.isEmpty ? "NAME" : stem) + ".cfds"
            throw ValidationError(
                "-o \(output): `dataset \(command)` writes crossfold's canonical binary form, which is read by its "
                    + ".cfds extension; name the file \(suggestion)")
        }
    }

    /// Exit 73 before any work when `-o` cannot be written (OutputPath).
    static func checkOutput(_ output: String) throws {
        _ = try OutputPath.check(output, flag: "-o", allowStandardOutput: false)
    }
}
