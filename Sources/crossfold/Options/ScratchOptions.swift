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
