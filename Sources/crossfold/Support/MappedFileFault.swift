#if canImport(Glibc)
import Glibc
#endif

/// Datasets are used as mapped files (docs/CANONICAL-FORMAT.md); if one is cut short while mapped
/// (a `cp` or `>` over the user's .cfds file while a command reads it), reading a page past its new
/// end raises SIGBUS. This turns that signal into a one-line error and exit code 74 (EX_IOERR)
/// instead of a crash report. Only async-signal-safe calls run in the handler.
enum MappedFileFault {
    private static let message: StaticString = """
        crossfold: error: a file in use was cut short (SIGBUS): a dataset file must not be overwritten or \
        truncated while crossfold reads it; write the new file under another name and rename it into place

        """

    /// Installs the handler; call once, first thing.
    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            let text = MappedFileFault.message
            _ = write(2, text.utf8Start, text.utf8CodeUnitCount)
            _exit(ExitStatus.fileCutShort.rawValue)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGBUS, &action, nil)
    }
}
