import ArgumentParser
import Foundation

/// `--scratch-dir DIR`: where a CSV, JSONL or NPY dataset is converted to its canonical form before
/// use. The converted file is as large as the dataset's features (4 bytes per value) and is
/// unlinked as soon as it is mapped, so it never outlives the command.
struct ScratchOptions: ParsableArguments {
    @Option(help: "Directory for the canonical copy of a CSV, JSONL or NPY dataset (default: $TMPDIR or /tmp). Env: CROSSFOLD_SCRATCH_DIR.")
    var scratchDir: String?

    /// The directory from the flag, `CROSSFOLD_SCRATCH_DIR`, `TMPDIR`, or /tmp.
    var directory: String {
        EnvironmentDefaults.string(scratchDir, "CROSSFOLD_SCRATCH_DIR")
            ?? EnvironmentDefaults.string(nil, "TMPDIR")
            ?? "/tmp"
    }
}

/// Where the command line notes the datasets it has hashed (`VerifiedFileRecord.Elsewhere`), so a
/// `.cfds` file submitted again, unchanged, is not read again to hash it: `$XDG_CACHE_HOME/crossfold/hashes`,
/// or `~/.cache/crossfold/hashes`.
enum KnownHashes {
    static var directory: String {
        if let cache = EnvironmentDefaults.string(nil, "XDG_CACHE_HOME") { return "\(cache)/crossfold/hashes" }
        return "\(FileManager.default.homeDirectoryForCurrentUser.path)/.cache/crossfold/hashes"
    }
}
